package io.cosbuild.e2e;

import static io.cosbuild.e2e.Tools.cosbuild;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The minimal profile with {@code disk.root-b: copy} and a UKI on the ESP: slot B is a working slot of its own.
 * {@code cosbuild boot --slot B} boots ROOT-B against VERITY-B onto the verified root with the self-test passing, also
 * when ROOT-A is corrupt; a corrupt ROOT-B ends slot B's boot in a dm-verity panic; an image whose B slot is empty is
 * refused. The ESP holds slot B's own UKI, which UEFI firmware boots onto ROOT-B.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlotBImageIT {

  Path work;
  Path out;
  JsonNode manifest;

  @BeforeAll
  void build(@TempDir Path dir) throws Exception {
    work = dir;
    Path profile = MinimalImageIT.profileExtendingMinimal(work, "ab.yaml", "kernel:\n  cmdline: [cosbuild.selftest=1]\n"
        + "disk:\n  root-b: copy\n  esp: uki\n  esp-size: 64MiB\n");
    out = work.resolve("out");
    Tools.Result r = cosbuild("image", "--profile", profile.toString(), "--out", out.toString(), "--source-date-epoch",
        MinimalImageIT.EPOCH, "--format", "raw");
    assertEquals(0, r.code(), r.out() + r.err());
    manifest = MinimalImageIT.JSON.readTree(out.resolve("manifest.json").toFile());
    assertEquals("copy", MinimalImageIT.partitionOf(manifest, 4).get("content").asText());
    Tools.Result v = cosbuild("verify", out.toString());
    assertEquals(0, v.code(), "verify recomputes slot B's tree too: " + v.out() + v.err());
  }

  /**
   * Boots slot B of a copy of the image with one byte flipped in partition {@code number}, 64 KiB into its squashfs:
   * in the compressed blocks of busybox, the init.
   */
  private Tools.Result bootSlotBWithCorrupt(int number, String name) throws Exception {
    Path dir = MinimalImageIT.copyOutputs(out, work.resolve(name));
    long first = MinimalImageIT.partitionOf(manifest, number).get("firstLba").asLong();
    MinimalImageIT.flipByte(dir.resolve("disk.raw"), first * 512 + 65536);
    Path log = work.resolve(name + ".log");
    Tools.Result r = cosbuild("boot", dir.toString(), "--slot", "B", "--snapshot", "--append", "cosbuild.selftest=1",
        "--log", log.toString(), "--expect", Guest.READY, "--timeout", "240");
    return new Tools.Result(r.code(), r.out() + Files.readString(log), r.err());
  }

  @Test
  void slotBBootsItsOwnRootEvenWithSlotACorrupt() throws Exception {
    Tools.Result r = bootSlotBWithCorrupt(2, "a-corrupt"); // slot A would not boot (MinimalImageIT)
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("ROOT-B (/dev/vda4) hashes VERITY-B (/dev/vda5) on vda"), r.out());
    Guest.assertSelfTestPassed(r.out(), 12);
  }

  @Test
  void aCorruptRootBDoesNotBoot() throws Exception {
    Tools.Result r = bootSlotBWithCorrupt(4, "b-corrupt");
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.out().matches("(?s).*device-mapper: verity: .* is corrupted.*"), r.out());
    assertFalse(r.out().contains(Guest.READY), r.out());
  }

  @Test
  void firmwareBootsSlotBsOwnImageFromTheEsp() throws Exception {
    String esp = "@@" + MinimalImageIT.offset(MinimalImageIT.partitionOf(manifest, 1));
    Path onEsp = work.resolve("SLOTB.EFI");
    Tools.ok("mcopy", "-n", "-i", out.resolve("disk.raw") + esp, "::/EFI/COSBUILD/SLOTB.EFI", onEsp.toString());
    assertEquals(-1L, Files.mismatch(out.resolve("uki-b.efi"), onEsp), "the ESP holds uki-b.efi");
    Path cmdline = work.resolve("cmdline-b");
    Tools.ok("objcopy", "-O", "binary", "--only-section=.cmdline", onEsp.toString(), cmdline.toString());
    String words = Files.readString(cmdline);
    assertTrue(words.contains("cosbuild.root=ROOT-B cosbuild.verity.hashdev=VERITY-B"), words);
    assertTrue(words.contains("cosbuild.verity.roothash=" + manifest.get("verity").get("rootHash").asText()), words);
    // As a boot entry for slot B would: the firmware's removable path pointed at slot B's image, in a copy.
    Path dir = MinimalImageIT.copyOutputs(out, work.resolve("firmware-b"));
    Tools.ok("mcopy", "-o", "-i", dir.resolve("disk.raw") + esp, onEsp.toString(), "::/EFI/BOOT/BOOTX64.EFI");
    Path log = work.resolve("firmware-b.log");
    Tools.Result r = cosbuild("boot", dir.toString(), "--uefi", "--snapshot", "--log", log.toString(), "--expect",
        Guest.READY, "--timeout", "240");
    String console = Files.readString(log);
    assertEquals(0, r.code(), r.out() + r.err() + console);
    assertTrue(console.contains("ROOT-B (/dev/vda4) hashes VERITY-B (/dev/vda5) on vda"), console);
    Guest.assertSelfTestPassed(console, 12);
  }

  @Test
  void anEmptySlotBAndFirmwareBootAreRefused() throws Exception {
    Path dir = MinimalImageIT.copyOutputs(out, work.resolve("b-empty"));
    ObjectNode m = (ObjectNode) manifest.deepCopy();
    ((ObjectNode) MinimalImageIT.partitionOf(m, 4)).put("content", "empty");
    MinimalImageIT.JSON.writeValue(dir.resolve("manifest.json").toFile(), m);
    Tools.Result empty = cosbuild("boot", dir.toString(), "--slot", "B", "--expect", Guest.READY, "--timeout", "5");
    assertEquals(2, empty.code(), empty.out() + empty.err());
    assertTrue(empty.err().contains("ROOT-B holds no copy of the root (disk.root-b: empty)"), empty.err());
    Tools.Result uefi = cosbuild("boot", out.toString(), "--slot", "B", "--uefi", "--expect", Guest.READY);
    assertEquals(2, uefi.code(), uefi.out() + uefi.err());
    assertTrue(uefi.err().contains("--slot B cannot be used with --uefi"), uefi.err());
  }
}

package io.cosbuild.e2e;

import static io.cosbuild.e2e.Tools.cosbuild;
import static io.cosbuild.e2e.Tools.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The minimal profile with {@code disk.esp: uki}, for one architecture: the ESP is a FAT32 filesystem that fsck.fat
 * finds clean, with the unified kernel image where firmware looks for it, whose sections (as llvm-readobj places
 * them) hold the build's kernel, initramfs and command line, and whose PE checksum osslsigncode computes the same;
 * a second build is byte-identical; and UEFI firmware alone, given only the disk, boots it onto the verified root
 * with the self-test passing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FirmwareBootChecks {

  Path work;
  Path out;
  JsonNode manifest;

  /** cosbuild's name of the architecture. */
  abstract String arch();

  /** The file firmware starts from removable media on this architecture. */
  abstract String bootFile();

  /** The PE Machine as llvm-readobj names it. */
  abstract String machine();

  private Path profile() {
    return work.resolve("uefi.yaml");
  }

  @BeforeAll
  void build(@TempDir Path dir) throws Exception {
    work = dir;
    // The command line is inside the image: the self-test is asked for there, not by cosbuild boot --append.
    MinimalImageIT.profileExtendingMinimal(work, profile().getFileName().toString(),
        "kernel:\n  cmdline: [cosbuild.selftest=1]\ndisk:\n  esp: uki\n  esp-size: 64MiB\n");
    out = work.resolve("out");
    Tools.Result r = cosbuild("image", "--profile", profile().toString(), "--arch", arch(), "--out", out.toString(),
        "--source-date-epoch", MinimalImageIT.EPOCH, "--format", "raw");
    assertEquals(0, r.code(), r.out() + r.err());
    manifest = MinimalImageIT.JSON.readTree(out.resolve("manifest.json").toFile());
  }

  /** The ESP's filesystem, copied out of disk.raw where the manifest and the GPT put it. */
  Path espOutOfTheDisk() throws Exception {
    MinimalImageIT.assertGptMatchesManifest(out.resolve("disk.raw"), manifest);
    JsonNode esp = MinimalImageIT.partitionOf(manifest, 1);
    assertEquals("uki", esp.get("content").asText());
    Path fat = work.resolve("esp.fat");
    Files.deleteIfExists(fat);
    try (FileChannel disk = FileChannel.open(out.resolve("disk.raw"));
        FileChannel f = FileChannel.open(fat, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      long offset = Long.parseLong(MinimalImageIT.offset(esp));
      long size = Long.parseLong(MinimalImageIT.size(esp));
      for (long done = 0; done < size; ) {
        done += disk.transferTo(offset + done, size - done, f);
      }
    }
    return fat;
  }

  /** The UKI as firmware finds it: read out of the ESP with mtools. */
  Path bootFileOnTheEsp() throws Exception {
    Path fat = espOutOfTheDisk();
    assertEquals(ok("sha256sum", fat.toString()).substring(0, 64), MinimalImageIT.partitionOf(manifest, 1).get("sha256").asText(),
        "the manifest records the ESP's bytes as built");
    String fsck = ok("fsck.fat", "-n", "-v", fat.toString());
    assertTrue(fsck.contains("2 FATs, 32 bit entries"), fsck);
    assertEquals("::/EFI/\n::/EFI/BOOT/\n::/EFI/BOOT/" + bootFile() + "\n",
        ok("mdir", "-/", "-b", "-i", fat.toString(), "::"));
    Path boot = work.resolve(bootFile());
    Files.deleteIfExists(boot);
    ok("mcopy", "-n", "-i", fat.toString(), "::/EFI/BOOT/" + bootFile(), boot.toString());
    return boot;
  }

  @Test
  void theEspHoldsTheUnifiedKernelImageWithTheBuildsKernelInitramfsAndCommandLine() throws Exception {
    Path boot = bootFileOnTheEsp();
    byte[] uki = Files.readAllBytes(boot);
    assertArrayEquals(Files.readAllBytes(out.resolve("uki.efi")), uki, "the ESP holds uki.efi");
    String headers = ok("llvm-readobj", "--file-headers", "--sections", boot.toString());
    assertTrue(headers.contains("Machine: " + machine()), headers);
    // Each section's bytes where llvm-readobj says they are: VirtualSize bytes at PointerToRawData.
    Map<String, byte[]> want = Map.of(".linux", Files.readAllBytes(out.resolve("vmlinuz")), ".initrd", Files.readAllBytes(out.resolve("initrd.img")),
        ".cmdline", manifest.get("kernelCommandLine").asText().getBytes(StandardCharsets.UTF_8));
    Map<String, long[]> placed = sections(headers);
    for (Map.Entry<String, byte[]> e : want.entrySet()) {
      long[] p = placed.get(e.getKey());
      assertTrue(p != null, "llvm-readobj lists " + e.getKey() + ":\n" + headers);
      byte[] got = java.util.Arrays.copyOfRange(uki, (int) p[0], (int) (p[0] + p[1]));
      assertArrayEquals(e.getValue(), got, e.getKey());
    }
    // osslsigncode prints one checksum when the header's equals the one it computes, two when they differ.
    Tools.Result verified = Tools.run("osslsigncode", "verify", "-in", boot.toString());
    String ossl = verified.out() + verified.err();
    long field = ByteBuffer.wrap(uki).order(ByteOrder.LITTLE_ENDIAN).getInt(
        ByteBuffer.wrap(uki).order(ByteOrder.LITTLE_ENDIAN).getInt(0x3c) + 24 + 64) & 0xFFFF_FFFFL;
    assertTrue(Pattern.compile("(?m)^PE checksum\\s*: " + String.format("%08X", field) + "$").matcher(ossl).find(), ossl);
    assertEquals(0, cosbuild("verify", out.toString()).code(), "verify checks uki.efi with the other outputs");
    Tools.Result unsigned = cosbuild("verify", out.toString(), "--secure-boot-certificate",
        "/usr/share/ovmf/PkKek-1-snakeoil.pem");
    assertEquals(1, unsigned.code(), unsigned.out() + unsigned.err());
    assertTrue(unsigned.out().contains("uki.efi: not signed for Secure Boot"), unsigned.out());
  }

  /** PointerToRawData and VirtualSize of each section llvm-readobj lists. */
  static Map<String, long[]> sections(String readobj) {
    Map<String, long[]> all = new HashMap<>();
    Matcher m = Pattern.compile("Name: (\\S+) .*?VirtualSize: (0x[0-9A-F]+).*?PointerToRawData: (0x[0-9A-F]+)",
        Pattern.DOTALL).matcher(readobj);
    while (m.find()) {
      all.put(m.group(1), new long[] {Long.decode(m.group(3)), Long.decode(m.group(2))});
    }
    return all;
  }

  @Test
  void aSecondBuildIsByteIdentical() throws Exception {
    Path again = work.resolve("again");
    Tools.Result r = cosbuild("image", "--profile", profile().toString(), "--arch", arch(), "--out",
        again.toString(), "--source-date-epoch", MinimalImageIT.EPOCH, "--format", "raw", "--lock",
        out.resolve("cosbuild.lock").toString());
    assertEquals(0, r.code(), r.out() + r.err());
    for (String f : List.of("uki.efi", "disk.raw", "manifest.json")) {
      assertEquals(-1L, Files.mismatch(out.resolve(f), again.resolve(f)), f);
    }
  }

  /** {@code cosbuild boot OUT FLAG} (--uefi, --secure-boot) under TCG until the guest is ready; its console. */
  static String bootedToReady(Path out, Path log, String flag) throws Exception {
    Tools.Result r = cosbuild("boot", out.toString(), flag, "--snapshot", "--accel", "tcg", "--memory", "512",
        "--expect", Guest.READY, "--timeout", "300", "--log", log.toString());
    String console = Files.readString(log);
    assertEquals(0, r.code(), r.err() + console);
    return console;
  }

  @Test
  void uefiFirmwareAloneBootsItOntoTheVerifiedRoot() throws Exception {
    String console = bootedToReady(out, work.resolve("console.log"), "--uefi");
    // The firmware started the disk's own image, whose stub handed the kernel the initramfs it carries.
    assertTrue(console.contains("BdsDxe: starting Boot") && console.contains("efi: EFI v"), console);
    assertTrue(console.contains("EFI stub: Loaded initrd from LINUX_EFI_INITRD_MEDIA_GUID"), console);
    Guest.assertSelfTestPassed(console, 12);
    List<String> refused = List.of(cosbuild("boot", out.toString(), "--uefi", "--append", "x=1").err());
    assertTrue(refused.get(0).contains("--append cannot be used with --uefi"), refused.get(0));
  }
}

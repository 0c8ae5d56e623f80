package io.cosbuild.e2e;

import static io.cosbuild.e2e.Tools.cosbuild;
import static io.cosbuild.e2e.Tools.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The minimal profile with {@code disk.esp: uki}: the ESP is a FAT32 filesystem that fsck.fat finds clean, with
 * the unified kernel image where firmware looks for it, whose sections objcopy reads back as the build's kernel,
 * initramfs and command line; and UEFI firmware (OVMF) alone, given only the disk, boots it onto the verified
 * root with the self-test passing.
 */
class FirmwareBootIT {

  @TempDir static Path work;
  static Path out;
  static JsonNode manifest;

  @BeforeAll
  static void build() throws Exception {
    // The command line is inside the image: the self-test is asked for there, not by cosbuild boot --append.
    Path profile = MinimalImageIT.profileExtendingMinimal(work, "uefi.yaml",
        "kernel:\n  cmdline: [cosbuild.selftest=1]\ndisk:\n  esp: uki\n  esp-size: 64MiB\n");
    out = work.resolve("out");
    Tools.Result r = cosbuild("image", "--profile", profile.toString(), "--arch", "x86_64", "--out", out.toString(),
        "--source-date-epoch", MinimalImageIT.EPOCH, "--format", "raw");
    assertEquals(0, r.code(), r.out() + r.err());
    manifest = MinimalImageIT.JSON.readTree(out.resolve("manifest.json").toFile());
  }

  @Test
  void theEspIsACleanFat32WithTheUnifiedKernelImage() throws Exception {
    MinimalImageIT.assertGptMatchesManifest(out.resolve("disk.raw"), manifest);
    JsonNode esp = MinimalImageIT.partitionOf(manifest, 1);
    assertEquals("uki", esp.get("content").asText());
    Path fat = work.resolve("esp.fat");
    try (FileChannel disk = FileChannel.open(out.resolve("disk.raw"));
        FileChannel f = FileChannel.open(fat, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      long offset = Long.parseLong(MinimalImageIT.offset(esp));
      long size = Long.parseLong(MinimalImageIT.size(esp));
      for (long done = 0; done < size; ) {
        done += disk.transferTo(offset + done, size - done, f);
      }
    }
    String fsck = ok("fsck.fat", "-n", "-v", fat.toString());
    assertTrue(fsck.contains("2 FATs, 32 bit entries"), fsck);
    assertEquals("::/EFI/\n::/EFI/BOOT/\n::/EFI/BOOT/BOOTX64.EFI\n", ok("mdir", "-/", "-b", "-i", fat.toString(), "::"));
    Path boot = work.resolve("BOOTX64.EFI");
    ok("mcopy", "-n", "-i", fat.toString(), "::/EFI/BOOT/BOOTX64.EFI", boot.toString());
    assertArrayEquals(Files.readAllBytes(out.resolve("uki.efi")), Files.readAllBytes(boot), "the ESP holds uki.efi");
    // The sections systemd's stub boots from, read back by binutils: the build's own kernel, initramfs and command line.
    String sections = ok("objdump", "-h", boot.toString());
    for (Map.Entry<String, byte[]> e : Map.of(".linux", Files.readAllBytes(out.resolve("vmlinuz")),
        ".initrd", Files.readAllBytes(out.resolve("initrd.img")),
        ".cmdline", manifest.get("kernelCommandLine").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8)).entrySet()) {
      assertTrue(sections.contains(" " + e.getKey() + " "), sections);
      Path got = work.resolve("section" + e.getKey());
      ok("objcopy", "-O", "binary", "--only-section=" + e.getKey(), boot.toString(), got.toString());
      assertArrayEquals(e.getValue(), Files.readAllBytes(got), e.getKey());
    }
    assertEquals(0, cosbuild("verify", out.toString()).code(), "verify checks uki.efi with the other outputs");
  }

  @Test
  void aSecondBuildIsByteIdentical() throws Exception {
    Path again = work.resolve("again");
    Tools.Result r = cosbuild("image", "--profile", work.resolve("uefi.yaml").toString(), "--arch", "x86_64", "--out",
        again.toString(), "--source-date-epoch", MinimalImageIT.EPOCH, "--format", "raw", "--lock",
        out.resolve("cosbuild.lock").toString());
    assertEquals(0, r.code(), r.out() + r.err());
    for (String f : List.of("uki.efi", "disk.raw", "manifest.json")) {
      assertEquals(-1L, Files.mismatch(out.resolve(f), again.resolve(f)), f);
    }
  }

  @Test
  void uefiFirmwareAloneBootsItOntoTheVerifiedRoot() throws Exception {
    Path log = work.resolve("console.log");
    Tools.Result r = cosbuild("boot", out.toString(), "--uefi", "--snapshot", "--accel", "tcg", "--memory", "512",
        "--expect", Guest.READY, "--timeout", "300", "--log", log.toString());
    String console = Files.readString(log);
    assertEquals(0, r.code(), r.err() + console);
    // OVMF started the disk's own image, whose stub handed the kernel the initramfs it carries.
    assertTrue(console.contains("BdsDxe: starting Boot") && console.contains("efi: EFI v"), console);
    assertTrue(console.contains("EFI stub: Loaded initrd from LINUX_EFI_INITRD_MEDIA_GUID"), console);
    Guest.assertSelfTestPassed(console, 12);
    List<String> refused = List.of(cosbuild("boot", out.toString(), "--uefi", "--append", "x=1").err());
    assertTrue(refused.get(0).contains("--append cannot be used with --uefi"), refused.get(0));
  }
}

package io.cosbuild.e2e;

import static io.cosbuild.e2e.Tools.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.cli.BootCommand;
import io.cosbuild.cli.boot.Accel;
import io.cosbuild.cli.boot.BootOutcome;
import io.cosbuild.cli.boot.BootTarget;
import io.cosbuild.cli.boot.DiskBus;
import io.cosbuild.cli.boot.QemuRunner;
import io.cosbuild.cli.boot.UefiFirmware;
import io.cosbuild.spec.model.Architecture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link FirmwareBootChecks} on x86_64, booted by OVMF; binutils also reads the image's sections back. */
class FirmwareBootIT extends FirmwareBootChecks {

  @Override
  String arch() {
    return "x86_64";
  }

  @Override
  String bootFile() {
    return "BOOTX64.EFI";
  }

  @Override
  String machine() {
    return "IMAGE_FILE_MACHINE_AMD64";
  }

  /**
   * As a cloud VM starts it: firmware boots the image from a larger NVMe disk, the init grows STATE to the disk's
   * end (rewriting the GPT), and firmware still finds the ESP in the rewritten table at the next boot.
   */
  @Test
  void onALargerNvmeDiskFirmwareBootsGrowsStateAndBootsAgain() throws Exception {
    Path copy = MinimalImageIT.copyOutputs(out, work.resolve("cloud"));
    ok("truncate", "-s", "+1G", copy.resolve("disk.raw").toString());
    BootTarget t = BootCommand.target(copy, null, List.of(), 512, false).withDiskBus(DiskBus.NVME)
        .withFirmware(UefiFirmware.require(Architecture.X86_64, null));
    try (QemuRunner q = QemuRunner.start(t, Accel.TCG, s -> { }, n -> { })) {
      assertEquals(BootOutcome.FOUND, q.waitFor(Guest.READY, Duration.ofSeconds(300)), q.console());
      assertTrue(q.console().contains("growing STATE (/dev/nvme0n1p7)"), q.console());
      Guest.assertSelfTestPassed(q.console(), 12);
      q.send("sync; poweroff -f");
      assertTrue(q.waitForExit(Duration.ofSeconds(60)), "poweroff -f ends QEMU");
    }
    assertTrue(ok("sgdisk", "-v", copy.resolve("disk.raw").toString()).contains("No problems found"));
    try (QemuRunner q = QemuRunner.start(t, Accel.TCG, s -> { }, n -> { })) {
      assertEquals(BootOutcome.FOUND, q.waitFor(Guest.READY, Duration.ofSeconds(300)), q.console());
      assertTrue(q.console().contains("BdsDxe: starting Boot"), q.console());
      assertFalse(q.console().contains("growing STATE"), "grown once:\n" + q.console());
    }
  }

  @Test
  void objcopyExtractsTheKernelInitramfsAndCommandLine() throws Exception {
    Path boot = bootFileOnTheEsp();
    String sections = ok("objdump", "-h", boot.toString());
    for (Map.Entry<String, byte[]> e : Map.of(".linux", Files.readAllBytes(out.resolve("vmlinuz")),
        ".initrd", Files.readAllBytes(out.resolve("initrd.img")),
        ".cmdline", manifest.get("kernelCommandLine").asText().getBytes(StandardCharsets.UTF_8)).entrySet()) {
      assertTrue(sections.contains(" " + e.getKey() + " "), sections);
      Path got = work.resolve("section" + e.getKey());
      ok("objcopy", "-O", "binary", "--only-section=" + e.getKey(), boot.toString(), got.toString());
      assertArrayEquals(e.getValue(), Files.readAllBytes(got), e.getKey());
    }
  }
}

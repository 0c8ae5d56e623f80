package io.cosbuild.cli.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.spec.model.Architecture;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class QemuCommandTest {

  static BootTarget target(Architecture a, boolean snapshot) {
    return new BootTarget(a, Path.of("/o/disk,1.raw"), Path.of("/o/vmlinuz"), Path.of("/o/initrd.img"),
        "console=ttyS0 x=1", 512, snapshot);
  }

  @Test
  void x86UsesQ35AndArm64UsesVirtWithCpuMaxUnderTcg() {
    List<String> x = QemuCommand.of(target(Architecture.X86_64, false), false);
    assertEquals("qemu-system-x86_64", x.get(0));
    assertTrue(String.join(" ", x).contains("-machine q35 -accel tcg"), x.toString());
    assertFalse(x.contains("-cpu"));
    assertTrue(x.contains("file=/o/disk,,1.raw,format=raw,if=none,id=disk0"), "commas in paths are escaped: " + x);
    assertEquals("console=ttyS0 x=1", x.get(x.indexOf("-append") + 1));
    assertTrue(x.contains("-no-reboot"));
    List<String> a = QemuCommand.of(target(Architecture.ARM64, true), false);
    assertEquals("qemu-system-aarch64", a.get(0));
    assertTrue(String.join(" ", a).contains("-machine virt -cpu max -accel tcg"), a.toString());
    assertTrue(a.stream().anyMatch(s -> s.endsWith(",snapshot=on")));
    assertTrue(String.join(" ", QemuCommand.of(target(Architecture.X86_64, false), true)).contains("-cpu host -accel kvm"));
  }

  @Test
  void extraDisksFollowTheImagesDiskInOrder() {
    BootTarget t = target(Architecture.X86_64, true).withDisks(Path.of("/o/a.raw"), List.of(Path.of("/o/b.raw"),
        Path.of("/o/c.raw")));
    String c = String.join(" ", QemuCommand.of(t, false));
    assertTrue(c.endsWith("-drive file=/o/a.raw,format=raw,if=none,id=disk0,snapshot=on -device virtio-blk-pci,drive=disk0"
        + " -drive file=/o/b.raw,format=raw,if=none,id=disk1,snapshot=on -device virtio-blk-pci,drive=disk1"
        + " -drive file=/o/c.raw,format=raw,if=none,id=disk2,snapshot=on -device virtio-blk-pci,drive=disk2"), c);
  }

  @Test
  void aNetworkCardOnlyWhenAskedFor() {
    BootTarget t = target(Architecture.X86_64, false);
    assertFalse(String.join(" ", QemuCommand.of(t, false)).contains("-nic"), "-nodefaults and no -nic: no network card");
    assertTrue(String.join(" ", QemuCommand.of(t.withUserNetwork(true), false)).contains(" -nic user,model=virtio-net-pci "));
  }

  @Test
  void firmwareBootGivesQemuOnlyTheFirmwareAndTheDisk() {
    List<String> c = QemuCommand.of(target(Architecture.X86_64, false).withFirmware(
        new UefiFirmware(Path.of("/fw/OVMF.fd"), null)), false);
    assertEquals("/fw/OVMF.fd", c.get(c.indexOf("-bios") + 1));
    assertFalse(c.contains("-kernel") || c.contains("-initrd") || c.contains("-append"), c.toString());
    assertTrue(c.contains("virtio-blk-pci,drive=disk0"), c.toString());
    assertEquals("q35", c.get(c.indexOf("-machine") + 1));
  }

  @Test
  void secureBootGivesTheFirmwareAndAVariableStoreQemuNeverWritesAsFlash() {
    UefiFirmware fw = new UefiFirmware(Path.of("/fw/CODE.fd"), Path.of("/fw/VARS,keys.fd"));
    String x86 = String.join(" ", QemuCommand.of(target(Architecture.X86_64, false).withFirmware(fw), false));
    assertTrue(x86.startsWith("qemu-system-x86_64 -machine q35,smm=on -global driver=cfi.pflash01,property=secure,value=on "),
        x86);
    assertTrue(x86.contains(" -drive if=pflash,format=raw,unit=0,readonly=on,file=/fw/CODE.fd"
        + " -drive if=pflash,format=raw,unit=1,snapshot=on,file=/fw/VARS,,keys.fd "), x86);
    assertFalse(x86.contains("-bios") || x86.contains("-kernel"), x86);
    String arm = String.join(" ", QemuCommand.of(target(Architecture.ARM64, false).withFirmware(fw), false));
    assertTrue(arm.startsWith("qemu-system-aarch64 -machine virt -cpu max "), arm);
    assertTrue(arm.contains(" -drive if=pflash,format=raw,unit=0,readonly=on,file=/fw/CODE.fd"
        + " -drive if=pflash,format=raw,unit=1,snapshot=on,file=/fw/VARS,,keys.fd "), arm);
  }

  @Test
  void disksOnAVirtioScsiControllerOrAsNvmeNamespaces() {
    BootTarget t = target(Architecture.X86_64, true).withDisks(Path.of("/o/a.raw"), List.of(Path.of("/o/b.raw")));
    String scsi = String.join(" ", QemuCommand.of(t.withDiskBus(DiskBus.SCSI), false));
    assertTrue(scsi.endsWith(" -device virtio-scsi-pci,id=scsi0"
        + " -drive file=/o/a.raw,format=raw,if=none,id=disk0,snapshot=on -device scsi-hd,drive=disk0,bus=scsi0.0"
        + " -drive file=/o/b.raw,format=raw,if=none,id=disk1,snapshot=on -device scsi-hd,drive=disk1,bus=scsi0.0"), scsi);
    String nvme = String.join(" ", QemuCommand.of(t.withDiskBus(DiskBus.NVME), false));
    assertTrue(nvme.endsWith(" -drive file=/o/a.raw,format=raw,if=none,id=disk0,snapshot=on -device nvme,serial=cosbuild0,drive=disk0"
        + " -drive file=/o/b.raw,format=raw,if=none,id=disk1,snapshot=on -device nvme,serial=cosbuild1,drive=disk1"), nvme);
    assertFalse(nvme.contains("virtio-blk") || nvme.contains("scsi"), nvme);
    assertEquals(DiskBus.NVME, DiskBus.parse("NVMe"));
    assertThrows(IllegalArgumentException.class, () -> DiskBus.parse("ide"));
  }

  @Test
  void panicMarkers() {
    assertTrue(QemuRunner.panicked("[ 3.6] Kernel panic - not syncing: dm-verity device corrupted"));
    assertFalse(QemuRunner.panicked("cosbuild: ready"));
  }

  static final String CMDLINE = "console=ttyS0 cosbuild.root=ROOT-A x=\"cosbuild: ready\" cosbuild.selftest=1";

  static int find(String console, String text) {
    return QemuRunner.find(new StringBuilder(console), text, 0, CMDLINE);
  }

  @Test
  void theKernelsEchoOfItsCommandLineIsNotAMatch() {
    String echo = "[    0.000000] Command line: " + CMDLINE + "\n"
        + "[    0.000000] Kernel command line: " + CMDLINE + "\n"
        + "[    0.000000] Unknown kernel command line parameters \"x=cosbuild: ready\", will be passed to user space.\n"
        + "[    0.000000]     x=cosbuild: ready\n";
    assertEquals(-1, find(echo, "cosbuild: ready"));
    assertEquals(-1, find(echo + "[    0.00] Command line: console=ttyS0 x=cosbuild: rea", "cosbuild: ready"),
        "an echo line still being printed");
    assertEquals(echo.length() + 4, find(echo + "sh: cosbuild: ready\n", "cosbuild: ready"), "the guest's own output");
    assertEquals(-1, find(echo, "Kernel panic - not syncing"));
    assertEquals(-1, find("Command line: x=\"Kernel panic - not syncing\"\n", "Kernel panic - not syncing"),
        "without a timestamp (printk.time=0) too");
  }

  @Test
  void kernelLinesStillMatchTextsThatAreNotOnTheCommandLine() {
    String c = "[    0.000000] Command line: " + CMDLINE + "\n[    3.1] device-mapper: verity: 253:2: data block 7 is corrupted\n";
    assertTrue(find(c, "is corrupted") > 0);
    assertEquals(-1, find(c, "cosbuild.selftest=1"));
    assertEquals(c.length() + 2, find(c + "# cosbuild.selftest=1\n", "cosbuild.selftest=1"),
        "a text of the command line printed by the guest (no timestamp) counts");
  }
}

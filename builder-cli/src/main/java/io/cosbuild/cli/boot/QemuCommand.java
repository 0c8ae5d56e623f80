package io.cosbuild.cli.boot;

import io.cosbuild.spec.model.Architecture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The QEMU command line for a {@link BootTarget}: x86_64 on {@code q35}, arm64 on {@code virt}; the kernel,
 * initramfs and command line given to QEMU, or UEFI firmware that boots the disk's ESP (with Secure Boot: the
 * firmware and its variable store as flash devices); the disks as virtio-blk on PCI (or on a virtio-scsi
 * controller, or as NVMe namespaces), the image's first (the initramfs has the drivers for all three); no network
 * unless asked for (then a virtio-net card on QEMU's user-mode network), no display, the first serial port on
 * stdio, no reboot (a panic or reboot ends QEMU). Stateless.
 */
public final class QemuCommand {

  private QemuCommand() {}

  /**
   * Where {@code arch}'s QEMU is on the PATH.
   *
   * @throws java.io.IOException naming the program and the Debian package that has it
   */
  public static Path requireBinary(Architecture arch) throws java.io.IOException {
    Path p = onPath(arch.qemuBinary());
    if (p != null) {
      return p;
    }
    throw new java.io.IOException(arch.qemuBinary() + " is not on the PATH: booting an " + arch + " image needs QEMU"
        + " (Debian: apt-get install " + (arch == Architecture.X86_64 ? "qemu-system-x86" : "qemu-system-arm") + ")");
  }

  /** The executable {@code name} in the first PATH directory that has one, or null. */
  static Path onPath(String name) {
    String path = System.getenv("PATH");
    for (String d : (path == null ? "" : path).split(":")) {
      Path p = Path.of(d.isEmpty() ? "." : d, name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /** @param kvm true for {@code -accel kvm -cpu host}, false for TCG */
  public static List<String> of(BootTarget t, boolean kvm) {
    List<String> c = new ArrayList<>(List.of(t.arch().qemuBinary()));
    UefiFirmware fw = t.firmware();
    boolean secureBoot = fw != null && fw.secureBoot();
    if (t.arch() == Architecture.X86_64) {
      // OVMF's Secure Boot build keeps its variables where only SMM code can write them.
      c.addAll(List.of("-machine", secureBoot ? "q35,smm=on" : "q35"));
      if (secureBoot) {
        c.addAll(List.of("-global", "driver=cfi.pflash01,property=secure,value=on"));
      }
      if (kvm) {
        c.addAll(List.of("-cpu", "host"));
      }
    } else {
      c.addAll(List.of("-machine", "virt", "-cpu", kvm ? "host" : "max"));
    }
    c.addAll(List.of("-accel", kvm ? "kvm" : "tcg", "-m", Integer.toString(t.memoryMiB()), "-smp", "1",
        "-nodefaults", "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot"));
    if (secureBoot) {
      c.addAll(List.of("-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + drivePath(fw.code()),
          "-drive", "if=pflash,format=raw,unit=1,snapshot=on,file=" + drivePath(fw.vars())));
    } else if (fw != null) {
      c.addAll(List.of("-bios", fw.code().toString()));
    } else {
      c.addAll(List.of("-kernel", t.kernel().toString(), "-initrd", t.initrd().toString(), "-append", t.cmdline()));
    }
    if (t.userNetwork()) {
      c.addAll(List.of("-nic", "user,model=virtio-net-pci"));
    }
    List<Path> disks = new ArrayList<>(List.of(t.disk()));
    disks.addAll(t.extraDisks());
    if (t.diskBus() == DiskBus.SCSI) {
      c.addAll(List.of("-device", "virtio-scsi-pci,id=scsi0"));
    }
    for (int i = 0; i < disks.size(); i++) {
      c.addAll(List.of("-drive", "file=" + drivePath(disks.get(i)) + ",format=raw,if=none,id=disk" + i
          + (t.snapshot() ? ",snapshot=on" : ""), "-device", switch (t.diskBus()) {
            case VIRTIO -> "virtio-blk-pci,drive=disk" + i;
            case SCSI -> "scsi-hd,drive=disk" + i + ",bus=scsi0.0";
            case NVME -> "nvme,serial=cosbuild" + i + ",drive=disk" + i;
          }));
    }
    return c;
  }

  /** A path as a -drive option's value: a comma would end it, QEMU reads two as one. */
  private static String drivePath(Path p) {
    return p.toString().replace(",", ",,");
  }
}

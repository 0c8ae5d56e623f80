package io.cosbuild.cli.boot;

import io.cosbuild.spec.model.Architecture;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What to boot: the disk, kernel and initramfs of a built image and its kernel command line.
 * Immutable and thread-safe.
 *
 * @param snapshot true: the guest's writes go to a temporary overlay and the disks are left untouched
 * @param extraDisks raw disks attached after {@code disk}, in order (the guest's second, third... disk)
 * @param userNetwork true: one virtio network card on QEMU's user-mode network (NAT to the host's, a DHCP
 *     server and DNS forwarder at 10.0.2.2 and 10.0.2.3, the guest at 10.0.2.15); false: no network card
 * @param firmware UEFI firmware that boots the disk's own unified kernel image, or null to give QEMU the
 *     kernel, initramfs and command line (the image's ESP is not used then)
 * @param diskBus the controller the disks are on
 */
public record BootTarget(Architecture arch, Path disk, Path kernel, Path initrd, String cmdline, int memoryMiB,
    boolean snapshot, List<Path> extraDisks, boolean userNetwork, UefiFirmware firmware, DiskBus diskBus) {

  public BootTarget(Architecture arch, Path disk, Path kernel, Path initrd, String cmdline, int memoryMiB,
      boolean snapshot) {
    this(arch, disk, kernel, initrd, cmdline, memoryMiB, snapshot, List.of(), false, null, DiskBus.VIRTIO);
  }

  public BootTarget {
    extraDisks = List.copyOf(extraDisks);
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(disk, "disk");
    Objects.requireNonNull(kernel, "kernel");
    Objects.requireNonNull(initrd, "initrd");
    Objects.requireNonNull(diskBus, "diskBus");
    if (cmdline.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("kernel command line must be one line");
    }
    if (memoryMiB < 128) {
      throw new IllegalArgumentException("guest memory must be at least 128 MiB: " + memoryMiB);
    }
  }

  /** The same target with {@code disk} booted and these disks attached after it. */
  public BootTarget withDisks(Path disk, List<Path> extraDisks) {
    return new BootTarget(arch, disk, kernel, initrd, cmdline, memoryMiB, snapshot, extraDisks, userNetwork, firmware,
        diskBus);
  }

  /** The same target with a network card on QEMU's user-mode network, or without one. */
  public BootTarget withUserNetwork(boolean on) {
    return new BootTarget(arch, disk, kernel, initrd, cmdline, memoryMiB, snapshot, extraDisks, on, firmware, diskBus);
  }

  /** The same target booted by UEFI firmware from the disk's ESP. */
  public BootTarget withFirmware(UefiFirmware uefi) {
    return new BootTarget(arch, disk, kernel, initrd, cmdline, memoryMiB, snapshot, extraDisks, userNetwork, uefi, diskBus);
  }

  /** The same target with another kernel command line. */
  public BootTarget withCmdline(String line) {
    return new BootTarget(arch, disk, kernel, initrd, line, memoryMiB, snapshot, extraDisks, userNetwork, firmware, diskBus);
  }

  /** The same target with its disks on {@code bus}. */
  public BootTarget withDiskBus(DiskBus bus) {
    return new BootTarget(arch, disk, kernel, initrd, cmdline, memoryMiB, snapshot, extraDisks, userNetwork, firmware, bus);
  }
}

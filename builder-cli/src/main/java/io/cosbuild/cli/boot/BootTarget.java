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
 */
public record BootTarget(Architecture arch, Path disk, Path kernel, Path initrd, String cmdline, int memoryMiB,
    boolean snapshot, List<Path> extraDisks) {

  public BootTarget(Architecture arch, Path disk, Path kernel, Path initrd, String cmdline, int memoryMiB,
      boolean snapshot) {
    this(arch, disk, kernel, initrd, cmdline, memoryMiB, snapshot, List.of());
  }

  public BootTarget {
    extraDisks = List.copyOf(extraDisks);
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(disk, "disk");
    Objects.requireNonNull(kernel, "kernel");
    Objects.requireNonNull(initrd, "initrd");
    if (cmdline.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("kernel command line must be one line");
    }
    if (memoryMiB < 128) {
      throw new IllegalArgumentException("guest memory must be at least 128 MiB: " + memoryMiB);
    }
  }

  /** The same target with {@code disk} booted and these disks attached after it. */
  public BootTarget withDisks(Path disk, List<Path> extraDisks) {
    return new BootTarget(arch, disk, kernel, initrd, cmdline, memoryMiB, snapshot, extraDisks);
  }
}

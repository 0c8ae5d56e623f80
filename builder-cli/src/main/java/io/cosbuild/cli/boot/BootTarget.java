package io.cosbuild.cli.boot;

import io.cosbuild.spec.model.Architecture;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What to boot: the disk, kernel and initramfs of a built image and its kernel command line.
 * Immutable and thread-safe.
 *
 * @param snapshot true: the guest's writes go to a temporary overlay and the disk is left untouched
 */
public record BootTarget(Architecture arch, Path disk, Path kernel, Path initrd, String cmdline, int memoryMiB,
    boolean snapshot) {
  public BootTarget {
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
}

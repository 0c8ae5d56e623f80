package io.cosbuild.cli.build;

import io.cosbuild.cli.BuildFailure;
import io.cosbuild.rootfs.dpkg.PackageContent;
import io.cosbuild.verity.VerityResult;
import java.nio.file.Path;
import java.util.List;

/** Kernel, initramfs and kernel command line. */
final class BootStage {
  private BootStage() {}

  /** What the boot stage made. */
  record Result(String summary, String commandLine) {}

  static Result build(BuildRequest request, List<PackageContent> packages, VerityResult verity, Path vmlinuz, Path initrd)
      throws BuildFailure {
    throw new BuildFailure("the initramfs builder is not wired yet");
  }
}

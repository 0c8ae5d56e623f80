package io.cosbuild.cli.build;

import io.cosbuild.cli.BuildFailure;
import io.cosbuild.rootfs.squashfs.Compression;
import io.cosbuild.rootfs.squashfs.SquashfsException;
import io.cosbuild.rootfs.squashfs.SquashfsOptions;
import io.cosbuild.rootfs.squashfs.SquashfsResult;
import io.cosbuild.rootfs.squashfs.SquashfsWriter;
import io.cosbuild.rootfs.squashfs.XzFilter;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.spec.model.RootfsSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.OptionalLong;
import java.util.Set;

/** Writes the root filesystem image (squashfs or ext4) of the profile. Stateless. */
final class RootImageStage {

  private RootImageStage() {}

  /** The level a squashfs root is written at: the profile's, or its compressor's default. */
  static int squashfsLevel(RootfsSpec spec) {
    return spec.compressionLevel().orElse(Compression.parse(spec.compression()).defaultLevel());
  }

  /** The profile's xz branch filters, in their own order (that of their bits in the image's options). */
  static Set<XzFilter> xzFilters(RootfsSpec spec) {
    Set<XzFilter> filters = EnumSet.noneOf(XzFilter.class);
    spec.xzBcj().forEach(name -> filters.add(XzFilter.parse(name)));
    return filters;
  }

  /** Writes {@code target}, showing its progress on {@code step}; returns a one-line description for the display. */
  static String write(FsTree tree, RootfsSpec spec, long epoch, String seed, Path target, Progress.Step step)
      throws IOException, BuildFailure {
    if (spec.type().equals("squashfs")) {
      Compression c = Compression.parse(spec.compression());
      Set<XzFilter> xzFilters = xzFilters(spec);
      SquashfsOptions o = new SquashfsOptions(c, squashfsLevel(spec), (int) spec.blockSize(),
          OptionalLong.of(epoch), Runtime.getRuntime().availableProcessors(), false, true,
          xzFilters);
      try {
        SquashfsResult r = SquashfsWriter.writeFile(tree, target, o, step.toward(tree.contentBytes()));
        String filters = xzFilters.isEmpty() ? ""
            : " (filters " + String.join(", ", xzFilters.stream().map(XzFilter::cliName).toList()) + ")";
        return String.format(java.util.Locale.ROOT, "squashfs %s%s, %d inodes, %.1f MiB (%.2fx)", c.cliName(), filters,
            r.inodes(), r.imageSize() / 1048576.0, r.compressionRatio());
      } catch (SquashfsException e) {
        throw new BuildFailure("squashfs: " + e.getMessage(), e);
      }
    }
    return Ext4RootImage.write(tree, spec, epoch, seed, target, step);
  }
}

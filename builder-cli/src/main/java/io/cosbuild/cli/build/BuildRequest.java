package io.cosbuild.cli.build;

import io.cosbuild.packages.DebianPackages;
import io.cosbuild.spec.model.Architecture;
import io.cosbuild.spec.model.ImageProfile;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything one {@code cosbuild image} run needs, resolved from flags, environment and profile.
 *
 * @param profileArgument the profile as the user named it (name or file), for advice that repeats it
 * @param lock the lock file to build exactly (null: resolve afresh) and where it came from
 * @param formats outputs asked for: raw, qcow2, gce, rootfs-tar
 */
public record BuildRequest(ImageProfile profile, String profileArgument, Architecture arch, Path out, ImageLock lock, Path lockPath, List<String> formats,
    long sourceDateEpoch, DebianPackages.Source source) {

  public BuildRequest {
    formats = List.copyOf(formats);
    if (!profile.architectures().contains(arch)) {
      throw new IllegalArgumentException("profile " + profile.name() + " is not for " + arch + " (it lists "
          + profile.architectures() + ")");
    }
  }

  public boolean wants(String format) {
    return formats.contains(format);
  }
}

package io.cosbuild.rootfs.dpkg;

import io.cosbuild.rootfs.tree.FsPath;
import java.util.List;
import java.util.Map;

/**
 * A package after extraction: its content, the paths it shipped in archive order as dpkg lists
 * them ({@code /.}, {@code /bin}, {@code /bin/busybox}), the canonical tree paths of its regular
 * files (where merged-/usr put them), and the md5 of each conffile as shipped. Immutable.
 */
public record InstalledPackage(PackageContent content, List<String> shippedPaths, List<FsPath> regularFiles,
    Map<String, String> conffileMd5) {

  public InstalledPackage {
    shippedPaths = List.copyOf(shippedPaths);
    regularFiles = List.copyOf(regularFiles);
    conffileMd5 = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(conffileMd5));
  }
}

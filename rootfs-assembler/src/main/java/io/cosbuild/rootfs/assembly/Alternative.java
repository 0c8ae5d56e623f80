package io.cosbuild.rootfs.assembly;

import io.cosbuild.rootfs.tree.FsPath;
import java.util.Objects;

/**
 * One link managed by update-alternatives: {@code link -> /etc/alternatives/name -> path}, as the
 * maintainer script would have set it. {@code path} must exist in the tree. Immutable.
 */
public record Alternative(String name, FsPath link, FsPath path) {

  public Alternative {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.+-]*")) {
      throw new IllegalArgumentException("invalid alternative name: " + name);
    }
    Objects.requireNonNull(link, "link");
    Objects.requireNonNull(path, "path");
  }

  public static Alternative of(String name, String link, String path) {
    return new Alternative(name, FsPath.parse(link), FsPath.parse(path));
  }
}

package io.cosbuild.rootfs.assembly;

import io.cosbuild.spec.model.FileCapabilities;
import java.util.Objects;

/**
 * Owner, group, mode and file capabilities to set on one path, as {@code dpkg-statoverride} and {@code setcap}
 * in a maintainer script would. A {@code null} field is left as it is. Immutable.
 *
 * @param owner a user name in the image's {@code /etc/passwd} or a decimal uid
 * @param group a group name in the image's {@code /etc/group} or a decimal gid
 * @param mode permission bits (07777), or {@code null}
 */
public record Permission(String path, String owner, String group, Integer mode, FileCapabilities capabilities) {

  public Permission {
    Objects.requireNonNull(path, "path");
    if (mode != null && (mode & ~07777) != 0) {
      throw new IllegalArgumentException(path + ": mode " + Integer.toOctalString(mode) + " does not fit in 07777");
    }
    if (owner == null && group == null && mode == null && capabilities == null) {
      throw new IllegalArgumentException(path + ": nothing to set (give owner, group, mode or capabilities)");
    }
  }
}

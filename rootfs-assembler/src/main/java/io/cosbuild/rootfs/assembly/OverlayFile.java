package io.cosbuild.rootfs.assembly;

import io.cosbuild.rootfs.tree.FsPath;
import java.util.Objects;

/**
 * A file the profile adds on top of the packages (it replaces whatever was at the path).
 * Immutable: the content is copied in and out.
 */
public record OverlayFile(FsPath path, byte[] content, int permissions, int uid, int gid) {

  public OverlayFile {
    Objects.requireNonNull(path, "path");
    content = content.clone();
    if ((permissions & ~07777) != 0 || uid < 0 || gid < 0) {
      throw new IllegalArgumentException(path + ": invalid mode or owner");
    }
  }

  @Override
  public byte[] content() {
    return content.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OverlayFile f && f.path.equals(path) && java.util.Arrays.equals(f.content, content)
        && f.permissions == permissions && f.uid == uid && f.gid == gid;
  }

  @Override
  public int hashCode() {
    return path.hashCode() * 31 + java.util.Arrays.hashCode(content);
  }

  @Override
  public String toString() {
    return "OverlayFile[" + path + ", " + content.length + " bytes, " + Integer.toOctalString(permissions) + ", " + uid + ":" + gid + "]";
  }
}

package io.cosbuild.rootfs.tree;

import java.util.ArrayList;
import java.util.List;

/**
 * What every node records about itself besides its content: permission bits (including setuid,
 * setgid and sticky, i.e. the low 12 bits of {@code st_mode}), numeric owner, modification time in
 * seconds since the epoch, and extended attributes sorted by name. These are recorded, never
 * applied to the host. Immutable and thread-safe.
 */
public record NodeMetadata(int permissions, int uid, int gid, long mtime, List<Xattr> xattrs) {

  public NodeMetadata {
    if ((permissions & ~07777) != 0) {
      throw new IllegalArgumentException("permissions must fit in 07777: " + Integer.toOctalString(permissions));
    }
    if (uid < 0 || gid < 0) {
      throw new IllegalArgumentException("uid and gid must not be negative: " + uid + ":" + gid);
    }
    if (mtime < 0) {
      throw new IllegalArgumentException("mtime must not be negative: " + mtime);
    }
    List<Xattr> sorted = new ArrayList<>(xattrs);
    sorted.sort(null);
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).name().equals(sorted.get(i - 1).name())) {
        throw new IllegalArgumentException("duplicate xattr " + sorted.get(i).name());
      }
    }
    xattrs = List.copyOf(sorted);
  }

  public static NodeMetadata of(int permissions, int uid, int gid, long mtime) {
    return new NodeMetadata(permissions, uid, gid, mtime, List.of());
  }

  public NodeMetadata withMtime(long newMtime) {
    return new NodeMetadata(permissions, uid, gid, newMtime, xattrs);
  }

  public NodeMetadata withPermissions(int newPermissions) {
    return new NodeMetadata(newPermissions, uid, gid, mtime, xattrs);
  }

  public NodeMetadata withOwner(int newUid, int newGid) {
    return new NodeMetadata(permissions, newUid, newGid, mtime, xattrs);
  }

  public NodeMetadata withXattrs(List<Xattr> newXattrs) {
    return new NodeMetadata(permissions, uid, gid, mtime, newXattrs);
  }
}

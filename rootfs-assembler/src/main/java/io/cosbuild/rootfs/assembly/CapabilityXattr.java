package io.cosbuild.rootfs.assembly;

import io.cosbuild.rootfs.tree.Xattr;
import io.cosbuild.spec.model.FileCapabilities;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code security.capability} as the kernel reads it and libcap's {@code setcap} writes it on a host:
 * {@code struct vfs_cap_data} revision 2 (linux/capability.h), little-endian: magic and flags, then permitted and
 * inheritable for capabilities 0-31 and for 32-63. Revision 3 adds a namespace root uid, for user namespaces only.
 */
final class CapabilityXattr {

  static final String NAME = "security.capability";
  private static final int VFS_CAP_REVISION_2 = 0x02000000;
  private static final int VFS_CAP_FLAGS_EFFECTIVE = 0x000001;

  private CapabilityXattr() {}

  static Xattr of(FileCapabilities c) {
    ByteBuffer v = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
    v.putInt(VFS_CAP_REVISION_2 | (c.effective() ? VFS_CAP_FLAGS_EFFECTIVE : 0));
    v.putInt((int) c.permitted()).putInt((int) c.inheritable());
    v.putInt((int) (c.permitted() >>> 32)).putInt((int) (c.inheritable() >>> 32));
    return new Xattr(NAME, v.array());
  }
}

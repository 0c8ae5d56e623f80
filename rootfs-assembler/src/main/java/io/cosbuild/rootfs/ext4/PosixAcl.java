package io.cosbuild.rootfs.ext4;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A POSIX ACL as ext4 stores it. Linux hands ACLs around as the xattrs {@code system.posix_acl_access}
 * and {@code system.posix_acl_default} in its generic form (linux/posix_acl_xattr.h: u32 version 2,
 * then 8-byte entries u16 tag, u16 perm, u32 id); ext4 keeps them under name indexes 2 and 3 with an
 * empty name, in its own form (fs/ext4/acl.h: u32 version 1, then entries of 4 bytes, or 8 for named
 * users and groups, which carry the id). Little endian. Stateless.
 */
final class PosixAcl {

  private static final int XATTR_VERSION = 2;
  private static final int EXT4_VERSION = 1;
  private static final int USER_OBJ = 0x01;
  private static final int USER = 0x02;
  private static final int GROUP_OBJ = 0x04;
  private static final int GROUP = 0x08;
  private static final int MASK = 0x10;
  private static final int OTHER = 0x20;

  private PosixAcl() {}

  /** The ext4 form of an ACL in Linux's xattr form; {@code where} names it in the error for a malformed one. */
  static byte[] toExt4(byte[] xattr, String where) throws Ext4Exception {
    if (xattr.length < 4 || (xattr.length - 4) % 8 != 0) {
      throw malformed(where, "is " + xattr.length + " bytes, not 4 + 8 per entry");
    }
    ByteBuffer in = ByteBuffer.wrap(xattr).order(ByteOrder.LITTLE_ENDIAN);
    if (in.getInt(0) != XATTR_VERSION) {
      throw malformed(where, "has version " + in.getInt(0) + ", not " + XATTR_VERSION);
    }
    ByteBuffer out = ByteBuffer.allocate(xattr.length).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(EXT4_VERSION);
    for (int off = 4; off < xattr.length; off += 8) {
      int tag = in.getShort(off) & 0xffff;
      out.putShort((short) tag).putShort(in.getShort(off + 2));
      switch (tag) {
        case USER, GROUP -> out.putInt(in.getInt(off + 4));
        case USER_OBJ, GROUP_OBJ, MASK, OTHER -> { }
        default -> throw malformed(where, "has an entry with tag 0x" + Integer.toHexString(tag));
      }
    }
    byte[] ext4 = new byte[out.position()];
    out.get(0, ext4);
    return ext4;
  }

  private static Ext4Exception malformed(String where, String what) {
    return new Ext4Exception(where + ": POSIX ACL " + what + " (linux/posix_acl_xattr.h)");
  }
}

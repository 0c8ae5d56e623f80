package io.cosbuild.rootfs.squashfs;

import java.nio.ByteBuffer;

/**
 * The 16-byte header every inode starts with. Immutable.
 *
 * <pre>
 * off size field
 *   0  2   inode type (1-7 basic, 8-14 extended)
 *   2  2   permissions (low 12 bits of st_mode)
 *   4  2   uid index into the id table
 *   6  2   gid index into the id table
 *   8  4   mtime (seconds)
 *  12  4   inode number (1..inode count)
 * </pre>
 */
public record InodeHeader(int type, int permissions, int uidIndex, int gidIndex, long mtime, long inodeNumber) {

  public static final int SIZE = 16;

  public static final int BASIC_DIRECTORY = 1;
  public static final int BASIC_FILE = 2;
  public static final int BASIC_SYMLINK = 3;
  public static final int BASIC_BLOCK = 4;
  public static final int BASIC_CHAR = 5;
  public static final int BASIC_FIFO = 6;
  public static final int BASIC_SOCKET = 7;
  /** Extended types are the basic type plus this. */
  public static final int EXTENDED_OFFSET = 7;

  public InodeHeader {
    if (type < 1 || type > 14 || (permissions & ~07777) != 0) {
      throw new IllegalArgumentException("bad inode type or permissions: " + type + " " + permissions);
    }
    if (uidIndex < 0 || uidIndex > 0xffff || gidIndex < 0 || gidIndex > 0xffff) {
      throw new IllegalArgumentException("id index out of range");
    }
    if (mtime < 0 || mtime > 0xffffffffL) {
      throw new IllegalArgumentException("mtime does not fit squashfs's 32 bits: " + mtime);
    }
    if (inodeNumber < 1 || inodeNumber > 0xffffffffL) {
      throw new IllegalArgumentException("inode number out of range: " + inodeNumber);
    }
  }

  /** The basic type (1-7) directory entries record for this inode. */
  public int basicType() {
    return type > EXTENDED_OFFSET ? type - EXTENDED_OFFSET : type;
  }

  void writeTo(ByteBuffer b) {
    b.putShort((short) type).putShort((short) permissions).putShort((short) uidIndex)
        .putShort((short) gidIndex).putInt((int) mtime).putInt((int) inodeNumber);
  }

  static InodeHeader parse(ByteBuffer b) {
    return new InodeHeader(Short.toUnsignedInt(b.getShort()), Short.toUnsignedInt(b.getShort()),
        Short.toUnsignedInt(b.getShort()), Short.toUnsignedInt(b.getShort()),
        Integer.toUnsignedLong(b.getInt()), Integer.toUnsignedLong(b.getInt()));
  }
}

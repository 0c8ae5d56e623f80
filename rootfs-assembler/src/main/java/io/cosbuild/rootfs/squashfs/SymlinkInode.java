package io.cosbuild.rootfs.squashfs;

import java.nio.ByteBuffer;

/**
 * Symlink inode, basic (type 3) or extended (type 10, with an xattr id after the target).
 * Immutable.
 *
 * <pre>
 * off size field
 *   0 16   header
 *  16  4   link count
 *  20  4   target size
 *  24  n   target bytes (no NUL)
 *  24+n 4  xattr id (extended only)
 * </pre>
 */
public record SymlinkInode(InodeHeader header, long linkCount, byte[] target, long xattrId) implements Inode {

  public SymlinkInode {
    Inode.requireU32(linkCount, "link count");
    if (target.length < 1 || target.length > 4095) {
      throw new IllegalArgumentException("symlink target length out of range: " + target.length);
    }
    boolean ext = header.type() == InodeHeader.BASIC_SYMLINK + InodeHeader.EXTENDED_OFFSET;
    if (!ext && header.type() != InodeHeader.BASIC_SYMLINK) {
      throw new IllegalArgumentException("not a symlink inode type: " + header.type());
    }
    Inode.requireU32(xattrId, "xattr id");
    target = target.clone();
  }

  @Override
  public byte[] target() {
    return target.clone();
  }

  @Override
  public byte[] toBytes() {
    boolean ext = header.type() != InodeHeader.BASIC_SYMLINK;
    ByteBuffer b = Inode.buffer(24 + target.length + (ext ? 4 : 0));
    header.writeTo(b);
    b.putInt((int) linkCount).putInt(target.length).put(target);
    if (ext) {
      b.putInt((int) xattrId);
    }
    return b.array();
  }
}

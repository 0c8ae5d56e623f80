package io.cosbuild.rootfs.squashfs;

import java.nio.ByteBuffer;

/**
 * Fifo or socket inode: basic (types 6, 7) or extended (13, 14, with an xattr id). Immutable.
 *
 * <pre>
 * off size field
 *   0 16   header
 *  16  4   link count
 *  20  4   xattr id (extended only)
 * </pre>
 */
public record IpcInode(InodeHeader header, long linkCount, long xattrId) implements Inode {

  public IpcInode {
    Inode.requireU32(linkCount, "link count");
    Inode.requireU32(xattrId, "xattr id");
    int basic = header.basicType();
    if (basic != InodeHeader.BASIC_FIFO && basic != InodeHeader.BASIC_SOCKET) {
      throw new IllegalArgumentException("not a fifo or socket inode type: " + header.type());
    }
  }

  @Override
  public byte[] toBytes() {
    boolean ext = header.type() > InodeHeader.EXTENDED_OFFSET;
    ByteBuffer b = Inode.buffer(ext ? 24 : 20);
    header.writeTo(b);
    b.putInt((int) linkCount);
    if (ext) {
      b.putInt((int) xattrId);
    }
    return b.array();
  }
}

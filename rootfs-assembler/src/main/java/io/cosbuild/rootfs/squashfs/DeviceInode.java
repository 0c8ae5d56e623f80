package io.cosbuild.rootfs.squashfs;

import java.nio.ByteBuffer;

/**
 * Block or character device inode: basic (types 4, 5) or extended (11, 12, with an xattr id).
 * Immutable.
 *
 * <pre>
 * off size field
 *   0 16   header
 *  16  4   link count
 *  20  4   device number (Linux new_encode_dev)
 *  24  4   xattr id (extended only)
 * </pre>
 */
public record DeviceInode(InodeHeader header, long linkCount, int device, long xattrId) implements Inode {

  public DeviceInode {
    Inode.requireU32(linkCount, "link count");
    Inode.requireU32(xattrId, "xattr id");
    int basic = header.basicType();
    if (basic != InodeHeader.BASIC_BLOCK && basic != InodeHeader.BASIC_CHAR) {
      throw new IllegalArgumentException("not a device inode type: " + header.type());
    }
  }

  @Override
  public byte[] toBytes() {
    boolean ext = header.type() > InodeHeader.EXTENDED_OFFSET;
    ByteBuffer b = Inode.buffer(ext ? 28 : 24);
    header.writeTo(b);
    b.putInt((int) linkCount).putInt(device);
    if (ext) {
      b.putInt((int) xattrId);
    }
    return b.array();
  }
}

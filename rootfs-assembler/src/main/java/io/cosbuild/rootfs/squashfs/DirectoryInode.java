package io.cosbuild.rootfs.squashfs;

import java.nio.ByteBuffer;

/**
 * Basic directory inode (type 1). Immutable.
 *
 * <pre>
 * off size field
 *   0 16   header
 *  16  4   start block of the listing, relative to the directory table
 *  20  4   link count
 *  24  2   file size (listing bytes + 3)
 *  26  2   offset of the listing in its uncompressed block
 *  28  4   parent inode number
 * </pre>
 */
public record DirectoryInode(InodeHeader header, long startBlock, long linkCount, int fileSize,
    int blockOffset, long parentInode) implements Inode {

  public DirectoryInode {
    Inode.requireU32(startBlock, "directory start block");
    Inode.requireU32(linkCount, "link count");
    Inode.requireU32(parentInode, "parent inode");
    if (fileSize < 3 || fileSize > 0xffff || blockOffset < 0 || blockOffset >= MetadataWriter.BLOCK_SIZE) {
      throw new IllegalArgumentException("basic directory size or offset out of range: " + fileSize + " " + blockOffset);
    }
  }

  @Override
  public byte[] toBytes() {
    ByteBuffer b = Inode.buffer(32);
    header.writeTo(b);
    b.putInt((int) startBlock).putInt((int) linkCount).putShort((short) fileSize)
        .putShort((short) blockOffset).putInt((int) parentInode);
    return b.array();
  }

  public static DirectoryInode parse(ByteBuffer b) {
    return new DirectoryInode(InodeHeader.parse(b), Integer.toUnsignedLong(b.getInt()),
        Integer.toUnsignedLong(b.getInt()), Short.toUnsignedInt(b.getShort()),
        Short.toUnsignedInt(b.getShort()), Integer.toUnsignedLong(b.getInt()));
  }
}

package io.cosbuild.rootfs.squashfs;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Extended directory inode (type 8): large listings, a lookup index, xattrs. Immutable.
 *
 * <pre>
 * off size field
 *   0 16   header
 *  16  4   link count
 *  20  4   file size (listing bytes + 3)
 *  24  4   start block of the listing, relative to the directory table
 *  28  4   parent inode number
 *  32  2   index entry count
 *  34  2   offset of the listing in its uncompressed block
 *  36  4   xattr id (0xffffffff: none)
 *  40  ..  index entries ({@link DirectoryIndexEntry})
 * </pre>
 */
public record ExtendedDirectoryInode(InodeHeader header, long linkCount, long fileSize, long startBlock,
    long parentInode, int blockOffset, long xattrId, List<DirectoryIndexEntry> index) implements Inode {

  public ExtendedDirectoryInode {
    Inode.requireU32(linkCount, "link count");
    Inode.requireU32(fileSize, "directory size");
    Inode.requireU32(startBlock, "directory start block");
    Inode.requireU32(parentInode, "parent inode");
    Inode.requireU32(xattrId, "xattr id");
    if (blockOffset < 0 || blockOffset >= MetadataWriter.BLOCK_SIZE || index.size() > 0xffff) {
      throw new IllegalArgumentException("directory offset or index count out of range");
    }
    index = List.copyOf(index);
  }

  @Override
  public byte[] toBytes() {
    int size = 40;
    for (DirectoryIndexEntry e : index) {
      size += e.size();
    }
    ByteBuffer b = Inode.buffer(size);
    header.writeTo(b);
    b.putInt((int) linkCount).putInt((int) fileSize).putInt((int) startBlock).putInt((int) parentInode)
        .putShort((short) index.size()).putShort((short) blockOffset).putInt((int) xattrId);
    for (DirectoryIndexEntry e : index) {
      e.writeTo(b);
    }
    return b.array();
  }
}

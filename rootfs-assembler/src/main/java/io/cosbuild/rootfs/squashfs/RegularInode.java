package io.cosbuild.rootfs.squashfs;

import java.nio.ByteBuffer;

/**
 * Basic regular file inode (type 2): one name, no xattrs, below 4 GiB. Immutable.
 *
 * <pre>
 * off size field
 *   0 16   header
 *  16  4   start of the first data block in the image
 *  20  4   fragment index (0xffffffff: no fragment)
 *  24  4   offset of the tail in the fragment block
 *  28  4   file size
 *  32 4*n  stored size of each full block (bit 24: stored uncompressed; 0: sparse)
 * </pre>
 */
public record RegularInode(InodeHeader header, long blocksStart, long fragmentIndex, long fragmentOffset,
    long fileSize, int[] blockSizes) implements Inode {

  public RegularInode {
    Inode.requireU32(blocksStart, "blocks start");
    Inode.requireU32(fragmentIndex, "fragment index");
    Inode.requireU32(fragmentOffset, "fragment offset");
    Inode.requireU32(fileSize, "file size");
    blockSizes = blockSizes.clone();
  }

  @Override
  public int[] blockSizes() {
    return blockSizes.clone();
  }

  @Override
  public byte[] toBytes() {
    ByteBuffer b = Inode.buffer(32 + 4 * blockSizes.length);
    header.writeTo(b);
    b.putInt((int) blocksStart).putInt((int) fragmentIndex).putInt((int) fragmentOffset).putInt((int) fileSize);
    for (int s : blockSizes) {
      b.putInt(s);
    }
    return b.array();
  }
}

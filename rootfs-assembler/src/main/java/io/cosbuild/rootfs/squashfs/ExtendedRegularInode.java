package io.cosbuild.rootfs.squashfs;

import java.nio.ByteBuffer;

/**
 * Extended regular file inode (type 9): hard links, xattrs, sparse files, large files. Immutable.
 *
 * <pre>
 * off size field
 *   0 16   header
 *  16  8   start of the first data block in the image
 *  24  8   file size
 *  32  8   bytes saved by sparse blocks
 *  40  4   link count
 *  44  4   fragment index (0xffffffff: no fragment)
 *  48  4   offset of the tail in the fragment block
 *  52  4   xattr id (0xffffffff: none)
 *  56 4*n  stored size of each full block
 * </pre>
 */
public record ExtendedRegularInode(InodeHeader header, long blocksStart, long fileSize, long sparse,
    long linkCount, long fragmentIndex, long fragmentOffset, long xattrId, int[] blockSizes) implements Inode {

  public ExtendedRegularInode {
    if (blocksStart < 0 || fileSize < 0 || sparse < 0) {
      throw new IllegalArgumentException("negative file geometry");
    }
    Inode.requireU32(linkCount, "link count");
    Inode.requireU32(fragmentIndex, "fragment index");
    Inode.requireU32(fragmentOffset, "fragment offset");
    Inode.requireU32(xattrId, "xattr id");
    blockSizes = blockSizes.clone();
  }

  @Override
  public int[] blockSizes() {
    return blockSizes.clone();
  }

  @Override
  public byte[] toBytes() {
    ByteBuffer b = Inode.buffer(56 + 4 * blockSizes.length);
    header.writeTo(b);
    b.putLong(blocksStart).putLong(fileSize).putLong(sparse).putInt((int) linkCount)
        .putInt((int) fragmentIndex).putInt((int) fragmentOffset).putInt((int) xattrId);
    for (int s : blockSizes) {
      b.putInt(s);
    }
    return b.array();
  }
}

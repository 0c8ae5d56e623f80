package io.cosbuild.rootfs.squashfs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 96-byte squashfs 4.0 superblock at offset 0, all fields little-endian. Immutable.
 *
 * <pre>
 * off size field
 *   0  4   magic 0x73717368 ("hsqs")
 *   4  4   inode count
 *   8  4   modification time (mkfs time)
 *  12  4   block size
 *  16  4   fragment entry count
 *  20  2   compression id
 *  22  2   block log (log2 of block size)
 *  24  2   flags
 *  26  2   id count
 *  28  2   version major (4)
 *  30  2   version minor (0)
 *  32  8   root inode reference
 *  40  8   bytes used
 *  48  8   id table start
 *  56  8   xattr id table start (or -1)
 *  64  8   inode table start
 *  72  8   directory table start
 *  80  8   fragment table start (or -1)
 *  88  8   export (inode lookup) table start (or -1)
 * </pre>
 */
public record SquashfsSuperblock(
    long inodeCount, long modificationTime, int blockSize, long fragmentCount, int compressionId,
    int flags, int idCount, long rootInode, long bytesUsed, long idTableStart, long xattrIdTableStart,
    long inodeTableStart, long directoryTableStart, long fragmentTableStart, long exportTableStart) {

  public static final int SIZE = 96;
  public static final int MAGIC = 0x73717368;
  public static final long ABSENT = -1L;

  public static final int FLAG_DUPLICATES = 0x0040;
  public static final int FLAG_EXPORTABLE = 0x0080;
  public static final int FLAG_NO_XATTRS = 0x0200;
  public static final int FLAG_COMPRESSOR_OPTIONS = 0x0400;

  public SquashfsSuperblock {
    if (Integer.bitCount(blockSize) != 1 || blockSize < 4096 || blockSize > (1 << 20)) {
      throw new IllegalArgumentException("block size must be a power of two from 4 KiB to 1 MiB: " + blockSize);
    }
    if (inodeCount < 0 || inodeCount > 0xffffffffL || fragmentCount < 0 || fragmentCount > 0xffffffffL) {
      throw new IllegalArgumentException("inode or fragment count out of range");
    }
    if (modificationTime < 0 || modificationTime > 0xffffffffL) {
      throw new IllegalArgumentException("modification time out of range: " + modificationTime);
    }
    if (idCount < 1 || idCount > 65535) {
      throw new IllegalArgumentException("id count must be 1 to 65535: " + idCount);
    }
  }

  public byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(MAGIC).putInt((int) inodeCount).putInt((int) modificationTime).putInt(blockSize)
        .putInt((int) fragmentCount).putShort((short) compressionId)
        .putShort((short) Integer.numberOfTrailingZeros(blockSize)).putShort((short) flags)
        .putShort((short) idCount).putShort((short) 4).putShort((short) 0)
        .putLong(rootInode).putLong(bytesUsed).putLong(idTableStart).putLong(xattrIdTableStart)
        .putLong(inodeTableStart).putLong(directoryTableStart).putLong(fragmentTableStart)
        .putLong(exportTableStart);
    return b.array();
  }

  public static SquashfsSuperblock parse(byte[] bytes) throws SquashfsException {
    if (bytes.length < SIZE) {
      throw new SquashfsException("squashfs superblock needs " + SIZE + " bytes, got " + bytes.length);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, 0, SIZE).order(ByteOrder.LITTLE_ENDIAN);
    if (b.getInt() != MAGIC) {
      throw new SquashfsException("not a squashfs image: bad magic");
    }
    long inodes = Integer.toUnsignedLong(b.getInt());
    long mtime = Integer.toUnsignedLong(b.getInt());
    int blockSize = b.getInt();
    long frags = Integer.toUnsignedLong(b.getInt());
    int comp = Short.toUnsignedInt(b.getShort());
    int blockLog = Short.toUnsignedInt(b.getShort());
    int flags = Short.toUnsignedInt(b.getShort());
    int ids = Short.toUnsignedInt(b.getShort());
    int major = Short.toUnsignedInt(b.getShort());
    int minor = Short.toUnsignedInt(b.getShort());
    if (major != 4 || minor != 0) {
      throw new SquashfsException("unsupported squashfs version " + major + "." + minor);
    }
    if (blockSize <= 0 || Integer.bitCount(blockSize) != 1 || 1 << blockLog != blockSize) {
      throw new SquashfsException("squashfs block size " + blockSize + " disagrees with block log " + blockLog);
    }
    try {
      return new SquashfsSuperblock(inodes, mtime, blockSize, frags, comp, flags, ids,
          b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong());
    } catch (IllegalArgumentException e) {
      throw new SquashfsException("bad squashfs superblock: " + e.getMessage(), e);
    }
  }
}

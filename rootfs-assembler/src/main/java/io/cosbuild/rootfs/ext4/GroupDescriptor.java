package io.cosbuild.rootfs.ext4;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * One 64-byte block group descriptor (64bit feature). Little endian. Immutable and thread-safe.
 *
 * <pre>
 * 0x00 u32 bg_block_bitmap_lo     0x04 u32 bg_inode_bitmap_lo   0x08 u32 bg_inode_table_lo
 * 0x0C u16 bg_free_blocks_lo      0x0E u16 bg_free_inodes_lo    0x10 u16 bg_used_dirs_lo
 * 0x12 u16 bg_flags               0x18 u16 bg_block_bitmap_csum_lo
 * 0x1A u16 bg_inode_bitmap_csum_lo 0x1C u16 bg_itable_unused_lo 0x1E u16 bg_checksum
 * 0x20 u32 bg_block_bitmap_hi     0x24 u32 bg_inode_bitmap_hi   0x28 u32 bg_inode_table_hi
 * 0x2C u16 bg_free_blocks_hi      0x2E u16 bg_free_inodes_hi    0x30 u16 bg_used_dirs_hi
 * 0x32 u16 bg_itable_unused_hi    0x38 u16 bg_block_bitmap_csum_hi 0x3A u16 bg_inode_bitmap_csum_hi
 * </pre>
 * bg_checksum is the low 16 bits of crc32c(uuid, le32 group number, descriptor with bg_checksum 0).
 */
record GroupDescriptor(long blockBitmap, long inodeBitmap, long inodeTable, int freeBlocks, int freeInodes,
    int usedDirs, int flags, int blockBitmapCsum, int inodeBitmapCsum, int itableUnused) {

  static final int SIZE = 64;
  static final int FLAG_INODE_ZEROED = 0x4;

  GroupDescriptor {
    if (freeBlocks < 0 || freeInodes < 0 || usedDirs < 0 || itableUnused < 0) {
      throw new IllegalArgumentException("negative group descriptor count");
    }
  }

  byte[] toBytes(Ext4Checksum csum, int group) {
    ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0x00, (int) blockBitmap);
    b.putInt(0x04, (int) inodeBitmap);
    b.putInt(0x08, (int) inodeTable);
    b.putShort(0x0C, (short) freeBlocks);
    b.putShort(0x0E, (short) freeInodes);
    b.putShort(0x10, (short) usedDirs);
    b.putShort(0x12, (short) flags);
    b.putShort(0x18, (short) blockBitmapCsum);
    b.putShort(0x1A, (short) inodeBitmapCsum);
    b.putShort(0x1C, (short) itableUnused);
    b.putInt(0x20, (int) (blockBitmap >>> 32));
    b.putInt(0x24, (int) (inodeBitmap >>> 32));
    b.putInt(0x28, (int) (inodeTable >>> 32));
    b.putShort(0x2C, (short) (freeBlocks >>> 16));
    b.putShort(0x2E, (short) (freeInodes >>> 16));
    b.putShort(0x30, (short) (usedDirs >>> 16));
    b.putShort(0x32, (short) (itableUnused >>> 16));
    b.putShort(0x38, (short) (blockBitmapCsum >>> 16));
    b.putShort(0x3A, (short) (inodeBitmapCsum >>> 16));
    byte[] out = b.array();
    CRC32C c = csum.seeded();
    Ext4Checksum.updateLe32(c, group);
    c.update(out, 0, SIZE);
    b.putShort(0x1E, (short) Ext4Checksum.raw(c));
    return out;
  }

  static GroupDescriptor parse(byte[] raw, int off) {
    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    return new GroupDescriptor(
        u32(b, off) | u32(b, off + 0x20) << 32, u32(b, off + 4) | u32(b, off + 0x24) << 32,
        u32(b, off + 8) | u32(b, off + 0x28) << 32, u16(b, off + 0x0C) | u16(b, off + 0x2C) << 16,
        u16(b, off + 0x0E) | u16(b, off + 0x2E) << 16, u16(b, off + 0x10) | u16(b, off + 0x30) << 16,
        u16(b, off + 0x12), u16(b, off + 0x18) | u16(b, off + 0x38) << 16,
        u16(b, off + 0x1A) | u16(b, off + 0x3A) << 16, u16(b, off + 0x1C) | u16(b, off + 0x32) << 16);
  }

  private static long u32(ByteBuffer b, int off) {
    return b.getInt(off) & 0xffffffffL;
  }

  private static int u16(ByteBuffer b, int off) {
    return b.getShort(off) & 0xffff;
  }
}

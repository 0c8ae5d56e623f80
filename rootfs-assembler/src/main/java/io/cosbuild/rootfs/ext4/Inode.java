package io.cosbuild.rootfs.ext4;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * One 256-byte ext4 inode with a 32-byte extra part, followed by the in-inode extended attribute
 * area. Little endian. Immutable and thread-safe.
 *
 * <pre>
 * 0x00 u16 i_mode        0x02 u16 i_uid (low)   0x04 u32 i_size_lo     0x08 u32 i_atime
 * 0x0C u32 i_ctime       0x10 u32 i_mtime       0x14 u32 i_dtime       0x18 u16 i_gid (low)
 * 0x1A u16 i_links_count 0x1C u32 i_blocks_lo   0x20 u32 i_flags       0x24 u32 i_version
 * 0x28 u8[60] i_block    0x64 u32 i_generation  0x68 u32 i_file_acl_lo 0x6C u32 i_size_high
 * 0x74 u16 i_blocks_high 0x76 u16 i_file_acl_high 0x78 u16 i_uid_high 0x7A u16 i_gid_high
 * 0x7C u16 i_checksum_lo 0x80 u16 i_extra_isize (32) 0x82 u16 i_checksum_hi
 * 0x84 u32 i_ctime_extra 0x88 u32 i_mtime_extra 0x8C u32 i_atime_extra 0x90 u32 i_crtime
 * 0x94 u32 i_crtime_extra 0xA0.. in-inode xattrs (magic 0xEA020000, entries, values)
 * </pre>
 * The checksum is crc32c(uuid, le32 ino, le32 generation, the 256 bytes with both checksum fields
 * zero): low half at 0x7C, high half at 0x82. i_blocks counts 512-byte sectors (huge_file allows
 * 48 bits without the per-inode huge flag).
 */
record Inode(int mode, int uid, int gid, long size, long atime, long ctime, long mtime, int links, long sectors,
    int flags, byte[] block, long fileAcl, byte[] xattrArea) {

  static final int SIZE = 256;
  static final int EXTRA_ISIZE = 32;
  static final int XATTR_OFFSET = 128 + EXTRA_ISIZE;
  static final int FLAG_INDEX = 0x1000;
  static final int FLAG_EXTENTS = 0x80000;

  Inode {
    if (block.length != 60) {
      throw new IllegalArgumentException("i_block is 60 bytes");
    }
    if (xattrArea.length > SIZE - XATTR_OFFSET) {
      throw new IllegalArgumentException("in-inode xattr area too large: " + xattrArea.length);
    }
    if (sectors >= 1L << 48 || size < 0 || links < 0 || links > 65535) {
      throw new IllegalArgumentException("inode counts out of range: " + sectors + " sectors, " + size + " bytes, "
          + links + " links");
    }
    block = block.clone();
    xattrArea = xattrArea.clone();
  }

  void writeTo(byte[] table, int off, Ext4Checksum csum, long ino) {
    ByteBuffer b = ByteBuffer.wrap(table, off, SIZE).slice().order(ByteOrder.LITTLE_ENDIAN);
    b.putShort(0x00, (short) mode);
    b.putShort(0x02, (short) uid);
    b.putInt(0x04, (int) size);
    b.putInt(0x08, (int) atime);
    b.putInt(0x0C, (int) ctime);
    b.putInt(0x10, (int) mtime);
    b.putShort(0x18, (short) gid);
    b.putShort(0x1A, (short) links);
    b.putInt(0x1C, (int) sectors);
    b.putInt(0x20, flags);
    b.put(0x28, block);
    b.putInt(0x68, (int) fileAcl);
    b.putInt(0x6C, (int) (size >>> 32));
    b.putShort(0x74, (short) (sectors >>> 32));
    b.putShort(0x76, (short) (fileAcl >>> 32));
    b.putShort(0x78, (short) (uid >>> 16));
    b.putShort(0x7A, (short) (gid >>> 16));
    b.putShort(0x80, (short) EXTRA_ISIZE);
    b.putInt(0x84, extraTime(ctime));
    b.putInt(0x88, extraTime(mtime));
    b.putInt(0x8C, extraTime(atime));
    b.putInt(0x90, (int) ctime);
    b.putInt(0x94, extraTime(ctime));
    b.put(XATTR_OFFSET, xattrArea);
    CRC32C c = csum.inodeSeeded(ino, 0);
    c.update(table, off, SIZE);
    int sum = Ext4Checksum.raw(c);
    b.putShort(0x7C, (short) sum);
    b.putShort(0x82, (short) (sum >>> 16));
  }

  byte[] toBytes(Ext4Checksum csum, long ino) {
    byte[] out = new byte[SIZE];
    writeTo(out, 0, csum, ino);
    return out;
  }

  /** The epoch bits of the *_extra fields: seconds beyond the signed 32-bit range (no nanoseconds). */
  private static int extraTime(long seconds) {
    return (int) (((seconds - (int) seconds) >> 32) & 3);
  }
}

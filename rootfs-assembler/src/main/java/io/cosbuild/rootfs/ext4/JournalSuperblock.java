package io.cosbuild.rootfs.ext4;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The jbd2 superblock (version 2) at the start of an empty internal journal (inode 8). Big endian,
 * unlike the rest of ext4. {@code s_start = 0} says the log is empty, so nothing is replayed.
 * Immutable and thread-safe.
 *
 * <pre>
 * 0x00 u32 h_magic 0xC03B3998  0x04 u32 h_blocktype 4 (superblock v2)  0x08 u32 h_sequence 0
 * 0x0C u32 s_blocksize         0x10 u32 s_maxlen (journal blocks)      0x14 u32 s_first 1
 * 0x18 u32 s_sequence 1        0x1C u32 s_start 0 (empty)              0x20 u32 s_errno 0
 * 0x24 u32 feature_compat 0    0x28 u32 feature_incompat 0            0x2C u32 feature_ro_compat 0
 * 0x30 u8[16] s_uuid (the filesystem's)   0x40 u32 s_nr_users 1
 * </pre>
 */
record JournalSuperblock(int blocks, byte[] uuid) {

  static final int MAGIC = 0xC03B3998;

  JournalSuperblock {
    if (blocks < 1024) {
      throw new IllegalArgumentException("a jbd2 journal needs at least 1024 blocks, got " + blocks);
    }
    uuid = uuid.clone();
  }

  @Override
  public byte[] uuid() {
    return uuid.clone();
  }

  byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(1024).order(ByteOrder.BIG_ENDIAN);
    b.putInt(0x00, MAGIC);
    b.putInt(0x04, 4);
    b.putInt(0x0C, Ext4Layout.BLOCK_SIZE);
    b.putInt(0x10, blocks);
    b.putInt(0x14, 1);
    b.putInt(0x18, 1);
    b.put(0x30, uuid);
    b.putInt(0x40, 1);
    return b.array();
  }

  static JournalSuperblock parse(byte[] raw) throws Ext4Exception {
    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.BIG_ENDIAN);
    if (raw.length < 0x50 || b.getInt(0) != MAGIC || b.getInt(4) != 4) {
      throw new Ext4Exception("jbd2 superblock: bad magic or block type");
    }
    byte[] uuid = new byte[16];
    b.get(0x30, uuid);
    return new JournalSuperblock(b.getInt(0x10), uuid);
  }

  /** The journal size mke2fs picks for a filesystem of this many 4 KiB blocks. */
  static int defaultBlocks(long fsBlocks) {
    if (fsBlocks < 32768) {
      return 1024;
    } else if (fsBlocks < 256 * 1024) {
      return 4096;
    } else if (fsBlocks < 512 * 1024) {
      return 8192;
    } else if (fsBlocks < 4096 * 1024) {
      return 16384;
    } else if (fsBlocks < 8192 * 1024) {
      return 32768;
    } else if (fsBlocks < 16384 * 1024) {
      return 65536;
    } else if (fsBlocks < 32768 * 1024) {
      return 131072;
    }
    return 262144;
  }
}

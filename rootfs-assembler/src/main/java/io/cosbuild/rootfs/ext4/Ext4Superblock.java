package io.cosbuild.rootfs.ext4;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The ext4 superblock (1024 bytes, at byte 1024 of the filesystem and at the start of each backup
 * group). Only the fields this writer sets are modelled; all others are written as zero. Little
 * endian. Immutable and thread-safe.
 *
 * <pre>
 * 0x00 u32 s_inodes_count          0x04 u32 s_blocks_count_lo     0x08 u32 s_r_blocks_count_lo
 * 0x0C u32 s_free_blocks_count_lo  0x10 u32 s_free_inodes_count   0x14 u32 s_first_data_block (0)
 * 0x18 u32 s_log_block_size (2)    0x1C u32 s_log_cluster_size(2) 0x20 u32 s_blocks_per_group
 * 0x24 u32 s_clusters_per_group    0x28 u32 s_inodes_per_group    0x2C u32 s_mtime
 * 0x30 u32 s_wtime                 0x34 u16 s_mnt_count           0x36 u16 s_max_mnt_count (-1)
 * 0x38 u16 s_magic 0xEF53          0x3A u16 s_state (1 clean)     0x3C u16 s_errors (1 continue)
 * 0x40 u32 s_lastcheck             0x48 u32 s_creator_os (0)      0x4C u32 s_rev_level (1)
 * 0x54 u32 s_first_ino (11)        0x58 u16 s_inode_size (256)    0x5A u16 s_block_group_nr
 * 0x5C u32 s_feature_compat        0x60 u32 s_feature_incompat    0x64 u32 s_feature_ro_compat
 * 0x68 u8[16] s_uuid               0x78 char[16] s_volume_name    0xE0 u32 s_journal_inum
 * 0xEC u32[4] s_hash_seed          0xFC u8 s_def_hash_version     0xFD u8 s_jnl_backup_type
 * 0xFE u16 s_desc_size (64)        0x100 u32 s_default_mount_opts 0x108 u32 s_mkfs_time
 * 0x10C u32[17] s_jnl_blocks       0x150 u32 s_blocks_count_hi    0x154 u32 s_r_blocks_count_hi
 * 0x158 u32 s_free_blocks_count_hi 0x15C u16 s_min_extra_isize    0x15E u16 s_want_extra_isize
 * 0x160 u32 s_flags                0x174 u8 s_log_groups_per_flex 0x175 u8 s_checksum_type (1)
 * 0x3FC u32 s_checksum (crc32c of bytes 0..0x3FB)
 * </pre>
 */
record Ext4Superblock(
    long inodesCount,
    long blocksCount,
    long reservedBlocks,
    long freeBlocks,
    long freeInodes,
    int blocksPerGroup,
    int inodesPerGroup,
    long time,
    int blockGroupNr,
    int compat,
    int incompat,
    int roCompat,
    byte[] uuid,
    String label,
    int journalInode,
    byte[] hashSeed,
    int[] journalBlocks,
    int logGroupsPerFlex) {

  static final int SIZE = 1024;
  static final int MAGIC = 0xEF53;
  static final int COMPAT_HAS_JOURNAL = 0x4;
  static final int COMPAT_EXT_ATTR = 0x8;
  static final int COMPAT_DIR_INDEX = 0x20;
  static final int INCOMPAT_FILETYPE = 0x2;
  static final int INCOMPAT_EXTENTS = 0x40;
  static final int INCOMPAT_64BIT = 0x80;
  static final int INCOMPAT_FLEX_BG = 0x200;
  static final int RO_COMPAT_SPARSE_SUPER = 0x1;
  static final int RO_COMPAT_LARGE_FILE = 0x2;
  static final int RO_COMPAT_HUGE_FILE = 0x8;
  static final int RO_COMPAT_DIR_NLINK = 0x20;
  static final int RO_COMPAT_EXTRA_ISIZE = 0x40;
  static final int RO_COMPAT_METADATA_CSUM = 0x400;
  /** s_flags: directory hashes treat name bytes as signed chars (what x86 mke2fs sets). */
  static final int FLAG_SIGNED_HASH = 0x1;

  Ext4Superblock {
    if (uuid.length != 16 || hashSeed.length != 16) {
      throw new IllegalArgumentException("uuid and hash seed must be 16 bytes");
    }
    if (label.getBytes(StandardCharsets.UTF_8).length > 16) {
      throw new IllegalArgumentException("ext4 label longer than 16 bytes: " + label);
    }
    if (journalBlocks.length != 17) {
      throw new IllegalArgumentException("s_jnl_blocks has 17 words");
    }
    uuid = uuid.clone();
    hashSeed = hashSeed.clone();
    journalBlocks = journalBlocks.clone();
  }

  @Override
  public byte[] uuid() {
    return uuid.clone();
  }

  @Override
  public byte[] hashSeed() {
    return hashSeed.clone();
  }

  @Override
  public int[] journalBlocks() {
    return journalBlocks.clone();
  }

  Ext4Superblock withBlockGroupNr(int nr) {
    return new Ext4Superblock(inodesCount, blocksCount, reservedBlocks, freeBlocks, freeInodes, blocksPerGroup,
        inodesPerGroup, time, nr, compat, incompat, roCompat, uuid, label, journalInode, hashSeed, journalBlocks,
        logGroupsPerFlex);
  }

  byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0x00, (int) inodesCount);
    b.putInt(0x04, (int) blocksCount);
    b.putInt(0x08, (int) reservedBlocks);
    b.putInt(0x0C, (int) freeBlocks);
    b.putInt(0x10, (int) freeInodes);
    b.putInt(0x14, 0);
    b.putInt(0x18, 2);
    b.putInt(0x1C, 2);
    b.putInt(0x20, blocksPerGroup);
    b.putInt(0x24, blocksPerGroup);
    b.putInt(0x28, inodesPerGroup);
    b.putInt(0x2C, 0);
    b.putInt(0x30, (int) time);
    b.putShort(0x36, (short) -1);
    b.putShort(0x38, (short) MAGIC);
    b.putShort(0x3A, (short) 1);
    b.putShort(0x3C, (short) 1);
    b.putInt(0x40, (int) time);
    b.putInt(0x4C, 1);
    b.putInt(0x54, 11);
    b.putShort(0x58, (short) Inode.SIZE);
    b.putShort(0x5A, (short) blockGroupNr);
    b.putInt(0x5C, compat);
    b.putInt(0x60, incompat);
    b.putInt(0x64, roCompat);
    b.put(0x68, uuid);
    byte[] name = label.getBytes(StandardCharsets.UTF_8);
    b.put(0x78, name);
    b.putInt(0xE0, journalInode);
    b.put(0xEC, hashSeed);
    b.put(0xFC, (byte) 1); // DX_HASH_HALF_MD4
    b.put(0xFD, (byte) (journalInode != 0 ? 1 : 0)); // EXT3_JNL_BACKUP_BLOCKS
    b.putShort(0xFE, (short) GroupDescriptor.SIZE);
    b.putInt(0x100, 0x0C); // user_xattr, acl
    b.putInt(0x108, (int) time);
    for (int i = 0; i < 17; i++) {
      b.putInt(0x10C + 4 * i, journalBlocks[i]);
    }
    b.putInt(0x150, (int) (blocksCount >>> 32));
    b.putInt(0x154, (int) (reservedBlocks >>> 32));
    b.putInt(0x158, (int) (freeBlocks >>> 32));
    b.putShort(0x15C, (short) Inode.EXTRA_ISIZE);
    b.putShort(0x15E, (short) Inode.EXTRA_ISIZE);
    b.putInt(0x160, FLAG_SIGNED_HASH);
    b.put(0x174, (byte) logGroupsPerFlex);
    b.put(0x175, (byte) 1); // crc32c
    byte[] out = b.array();
    b.putInt(0x3FC, Ext4Checksum.plain(out, 0, 0x3FC));
    return out;
  }

  static Ext4Superblock parse(byte[] raw) throws Ext4Exception {
    if (raw.length < SIZE) {
      throw new Ext4Exception("ext4 superblock: " + raw.length + " bytes, need " + SIZE);
    }
    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    if ((b.getShort(0x38) & 0xffff) != MAGIC) {
      throw new Ext4Exception("ext4 superblock: bad magic 0x" + Integer.toHexString(b.getShort(0x38) & 0xffff));
    }
    int sum = Ext4Checksum.plain(raw, 0, 0x3FC);
    if (sum != b.getInt(0x3FC)) {
      throw new Ext4Exception("ext4 superblock: checksum mismatch");
    }
    int[] jnl = new int[17];
    for (int i = 0; i < 17; i++) {
      jnl[i] = b.getInt(0x10C + 4 * i);
    }
    byte[] name = Arrays.copyOfRange(raw, 0x78, 0x88);
    int nameLen = 0;
    while (nameLen < 16 && name[nameLen] != 0) {
      nameLen++;
    }
    return new Ext4Superblock(
        u32(b, 0x00), u32(b, 0x04) | (u32(b, 0x150) << 32), u32(b, 0x08) | (u32(b, 0x154) << 32),
        u32(b, 0x0C) | (u32(b, 0x158) << 32), u32(b, 0x10), b.getInt(0x20), b.getInt(0x28), u32(b, 0x30),
        b.getShort(0x5A) & 0xffff, b.getInt(0x5C), b.getInt(0x60), b.getInt(0x64),
        Arrays.copyOfRange(raw, 0x68, 0x78), new String(name, 0, nameLen, StandardCharsets.UTF_8),
        b.getInt(0xE0), Arrays.copyOfRange(raw, 0xEC, 0xFC), jnl, raw[0x174] & 0xff);
  }

  private static long u32(ByteBuffer b, int off) {
    return b.getInt(off) & 0xffffffffL;
  }
}

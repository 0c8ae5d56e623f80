package io.cosbuild.rootfs.ext4;

import java.util.ArrayList;
import java.util.List;

/**
 * Where everything goes: block groups of 32768 blocks of 4 KiB, superblock and descriptor backups
 * in groups 0, 1 and powers of 3, 5 and 7 (sparse_super), and per flex group of 16 groups all block
 * bitmaps, then all inode bitmaps, then all inode tables (flex_bg), placed at the start of the flex
 * group. Data blocks are handed out in one ascending sweep that steps over those reserved ranges, so
 * the used blocks are exactly the reserved ranges plus everything below the allocation cursor.
 * Not thread-safe (the allocator is stateful); one instance per image.
 */
final class Ext4Layout {

  static final int BLOCK_SIZE = 4096;
  static final int BLOCKS_PER_GROUP = 32768;
  static final int LOG_GROUPS_PER_FLEX = 4;
  static final int MAX_INODES_PER_GROUP = 32768;
  static final int INODES_PER_BLOCK = BLOCK_SIZE / Inode.SIZE;

  final long blocks;
  final int groups;
  final int inodesPerGroup;
  final int gdtBlocks;
  final int itableBlocks;
  final long[] blockBitmap;
  final long[] inodeBitmap;
  final long[] inodeTable;
  private final long[] resStart;
  private final long[] resEnd;
  private int resIndex;
  private long cursor;

  private Ext4Layout(long blocks, int groups, int ipg) throws Ext4Exception {
    this.blocks = blocks;
    this.groups = groups;
    this.inodesPerGroup = ipg;
    this.gdtBlocks = gdtBlocks(groups);
    this.itableBlocks = ipg / INODES_PER_BLOCK;
    blockBitmap = new long[groups];
    inodeBitmap = new long[groups];
    inodeTable = new long[groups];
    List<long[]> reserved = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      if (hasBackup(g)) {
        reserved.add(new long[] {groupStart(g), groupStart(g) + 1 + gdtBlocks});
      }
    }
    List<long[]> backups = List.copyOf(reserved);
    int flex = 1 << LOG_GROUPS_PER_FLEX;
    for (int f = 0; f < groups; f += flex) {
      int n = Math.min(flex, groups - f);
      long[] at = {groupStart(f)};
      for (int g = f; g < f + n; g++) {
        blockBitmap[g] = place(at, 1, backups);
      }
      for (int g = f; g < f + n; g++) {
        inodeBitmap[g] = place(at, 1, backups);
      }
      for (int g = f; g < f + n; g++) {
        inodeTable[g] = place(at, itableBlocks, backups);
      }
      reserved.add(new long[] {blockBitmap[f], blockBitmap[f] + n});
      reserved.add(new long[] {inodeBitmap[f], inodeBitmap[f] + n});
      for (int g = f; g < f + n; g++) {
        reserved.add(new long[] {inodeTable[g], inodeTable[g] + itableBlocks});
      }
      if (at[0] > blocks) {
        throw new Ext4FullException("ext4: the filesystem of " + blocks * BLOCK_SIZE + " bytes cannot hold the metadata of "
            + groups + (groups == 1 ? " group" : " groups") + " with " + ipg + " inodes each");
      }
    }
    reserved.sort((a, b) -> Long.compare(a[0], b[0]));
    List<long[]> merged = new ArrayList<>();
    for (long[] r : reserved) {
      if (!merged.isEmpty() && merged.get(merged.size() - 1)[1] >= r[0]) {
        long[] last = merged.get(merged.size() - 1);
        last[1] = Math.max(last[1], r[1]);
      } else {
        merged.add(r.clone());
      }
    }
    resStart = merged.stream().mapToLong(r -> r[0]).toArray();
    resEnd = merged.stream().mapToLong(r -> r[1]).toArray();
  }

  /** Places a contiguous run of {@code len} blocks at or after {@code at[0]}, avoiding backups. */
  private static long place(long[] at, int len, List<long[]> backups) {
    boolean moved = true;
    while (moved) {
      moved = false;
      for (long[] r : backups) {
        if (at[0] < r[1] && at[0] + len > r[0]) {
          at[0] = r[1];
          moved = true;
        }
      }
    }
    long start = at[0];
    at[0] += len;
    return start;
  }

  /**
   * A layout for {@code blocks} blocks (a tiny trailing group is dropped) with room for {@code
   * inodes} inodes.
   */
  static Ext4Layout plan(long blocks, long inodes) throws Ext4Exception {
    if (blocks < Ext4Options.MIN_SIZE / BLOCK_SIZE) {
      throw new Ext4Exception("ext4: " + blocks * BLOCK_SIZE + " bytes is too small; give at least 8 MiB");
    }
    if (blocks >= 1L << 32) {
      throw new Ext4Exception("ext4: " + blocks + " blocks is beyond what this writer supports");
    }
    int groups = groupsFor(blocks);
    long last = blocks - (long) (groups - 1) * BLOCKS_PER_GROUP;
    if (groups > 1 && last < 1 + gdtBlocks(groups) + 64) {
      groups--;
      blocks = (long) groups * BLOCKS_PER_GROUP;
    }
    int ipg = inodesPerGroup(inodes, groups);
    if (ipg > MAX_INODES_PER_GROUP) {
      throw new Ext4FullException("ext4: " + inodes + " inodes do not fit " + groups + (groups == 1 ? " group" : " groups")
          + " of at most " + MAX_INODES_PER_GROUP + " (that takes at least " + minBlocksForInodes(inodes) * BLOCK_SIZE
          + " bytes)");
    }
    return new Ext4Layout(blocks, groups, ipg);
  }

  static int groupsFor(long blocks) {
    return (int) ((blocks + BLOCKS_PER_GROUP - 1) / BLOCKS_PER_GROUP);
  }

  static int inodesPerGroup(long inodes, int groups) {
    long per = (inodes + groups - 1) / groups;
    per = (per + INODES_PER_BLOCK - 1) / INODES_PER_BLOCK * INODES_PER_BLOCK;
    return (int) Math.max(INODES_PER_BLOCK, Math.min(per, Integer.MAX_VALUE));
  }

  static long minBlocksForInodes(long inodes) {
    long groups = (inodes + MAX_INODES_PER_GROUP - 1) / MAX_INODES_PER_GROUP;
    return (groups - 1) * BLOCKS_PER_GROUP + 4096;
  }

  static int gdtBlocks(int groups) {
    return (int) (((long) groups * GroupDescriptor.SIZE + BLOCK_SIZE - 1) / BLOCK_SIZE);
  }

  /** Metadata blocks (bitmaps, inode tables, superblock and descriptor copies) of a layout. */
  static long metadataBlocks(int groups, int ipg) {
    long n = (long) groups * (2 + ipg / INODES_PER_BLOCK);
    for (int g = 0; g < groups; g++) {
      if (hasBackup(g)) {
        n += 1 + gdtBlocks(groups);
      }
    }
    return n;
  }

  static boolean hasBackup(int g) {
    return g == 0 || g == 1 || isPower(g, 3) || isPower(g, 5) || isPower(g, 7);
  }

  private static boolean isPower(int g, int base) {
    long p = base;
    while (p < g) {
      p *= base;
    }
    return p == g;
  }

  long groupStart(int g) {
    return (long) g * BLOCKS_PER_GROUP;
  }

  int groupBlocks(int g) {
    return (int) Math.min(BLOCKS_PER_GROUP, blocks - groupStart(g));
  }

  /** Block and byte offset within it of inode {@code ino} (1-based). */
  long inodeTableBlock(long ino) {
    int g = (int) ((ino - 1) / inodesPerGroup);
    return inodeTable[g];
  }

  /**
   * The next run of free blocks, at most {@code want} long, never crossing reserved metadata. Runs
   * come in ascending order.
   */
  long[] allocate(long want, String what) throws Ext4Exception {
    while (resIndex < resStart.length && cursor >= resEnd[resIndex]) {
      resIndex++;
    }
    if (resIndex < resStart.length && cursor >= resStart[resIndex]) {
      cursor = resEnd[resIndex];
      resIndex++;
    }
    long limit = resIndex < resStart.length ? resStart[resIndex] : blocks;
    long len = Math.min(want, limit - cursor);
    if (len <= 0 || cursor >= blocks) {
      throw new Ext4FullException("ext4: the filesystem of " + blocks * BLOCK_SIZE + " bytes is full while writing "
          + what);
    }
    long[] run = {cursor, len};
    cursor += len;
    return run;
  }

  long allocateOne(String what) throws Ext4Exception {
    return allocate(1, what)[0];
  }

  /** The block bitmap of group {@code g}: reserved ranges, data below the cursor, padding past the end. */
  byte[] blockBitmap(int g) {
    byte[] bm = new byte[BLOCK_SIZE];
    long gs = groupStart(g);
    long ge = gs + groupBlocks(g);
    mark(bm, gs, gs, Math.min(cursor, ge));
    for (int i = 0; i < resStart.length; i++) {
      if (resEnd[i] > gs && resStart[i] < ge) {
        mark(bm, gs, Math.max(gs, resStart[i]), Math.min(ge, resEnd[i]));
      }
    }
    mark(bm, gs, ge, gs + BLOCKS_PER_GROUP);
    return bm;
  }

  static int countClear(byte[] bm, int bits) {
    int used = 0;
    for (int i = 0; i < bits / 8; i++) {
      used += Integer.bitCount(bm[i] & 0xff);
    }
    return bits - used;
  }

  static void mark(byte[] bm, long base, long from, long to) {
    for (long b = from; b < to; b++) {
      int i = (int) (b - base);
      if ((i & 7) == 0 && b + 8 <= to) {
        bm[i >>> 3] = (byte) 0xff;
        b += 7;
      } else {
        bm[i >>> 3] |= (byte) (1 << (i & 7));
      }
    }
  }

  long usedBlocks() {
    long n = cursor;
    for (int i = 0; i < resStart.length; i++) {
      n += Math.max(0, resEnd[i] - Math.max(resStart[i], cursor));
    }
    return n;
  }
}

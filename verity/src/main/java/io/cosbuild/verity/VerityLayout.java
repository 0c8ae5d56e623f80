package io.cosbuild.verity;

import java.util.Arrays;

/**
 * Where each level of a dm-verity tree lies in the hash file, computed the way the kernel and
 * {@code veritysetup} compute it. Immutable and thread-safe.
 *
 * <p>Level 0 holds the digests of the data blocks, level {@code i + 1} those of level {@code i}'s hash
 * blocks; the top level is one hash block, whose digest is the root hash. Levels are laid out top
 * first: the top level starts at {@link #hashStartBlock()}, level 0 is last. A tree over a single data
 * block has no levels: the root hash is that block's digest. Each hash block holds
 * {@link #hashesPerBlock()} digests (a power of two); format 1 pads each digest to a power of two,
 * format 0 packs them; the rest of the block is zero.
 *
 * @param params the tree's parameters
 * @param hashesPerBlock digests per hash block
 * @param slotSize bytes per digest slot in a hash block
 * @param hashStartBlock first tree block, in hash blocks from the start of the hash file (the kernel
 *     table's {@code hash_start})
 * @param levelStart per level (0 = over the data), the first hash block, absolute in the hash file
 * @param levelBlocks per level, the number of hash blocks
 */
public record VerityLayout(
    VerityParams params, int hashesPerBlock, int slotSize, long hashStartBlock, long[] levelStart, long[] levelBlocks) {

  /** The kernel refuses trees deeper than this. */
  public static final int MAX_LEVELS = 63;
  /** Size of the on-disk superblock. */
  public static final int SUPERBLOCK_SIZE = VeritySuperblock.SIZE;

  public VerityLayout {
    levelStart = levelStart.clone();
    levelBlocks = levelBlocks.clone();
  }

  /**
   * The layout of a tree with these parameters.
   *
   * @throws IllegalArgumentException when the tree would be deeper than the kernel allows or overflow a file
   */
  public static VerityLayout of(VerityParams p) {
    int digest = p.hashAlgorithm().digestLength();
    int bits = 31 - Integer.numberOfLeadingZeros(p.hashBlockSize() / digest);
    if (bits < 1) {
      throw new IllegalArgumentException("hash block size " + p.hashBlockSize() + " holds fewer than two "
          + p.hashAlgorithm().kernelName() + " digests");
    }
    int slot = p.hashType() == 1 ? Integer.highestOneBit(digest - 1) << 1 : digest;
    try {
      return of(p, bits, slot);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("a verity tree at hash offset " + p.hashOffset() + " for " + p.dataBlocks()
          + " data blocks would end beyond the largest possible file", e);
    }
  }

  private static VerityLayout of(VerityParams p, int bits, int slot) {
    long hashStart = p.superblock()
        ? ceilDiv(Math.addExact(p.hashOffset(), SUPERBLOCK_SIZE), p.hashBlockSize())
        : p.hashOffset() / p.hashBlockSize();
    int levels = 0;
    while (bits * levels < 64 && ((p.dataBlocks() - 1) >>> (bits * levels)) != 0) {
      levels++;
    }
    if (levels > MAX_LEVELS) {
      throw new IllegalArgumentException("verity tree would have " + levels + " levels; the kernel allows " + MAX_LEVELS);
    }
    long[] start = new long[levels];
    long[] size = new long[levels];
    long position = hashStart;
    for (int i = levels - 1; i >= 0; i--) {
      int shift = (i + 1) * bits;
      size[i] = shift >= 64 ? 1 : ((p.dataBlocks() - 1) >>> shift) + 1;
      start[i] = position;
      position = Math.addExact(position, size[i]);
    }
    Math.multiplyExact(position, (long) p.hashBlockSize());
    return new VerityLayout(p, 1 << bits, slot, hashStart, start, size);
  }

  /** Number of levels; 0 for a single data block. */
  public int levels() {
    return levelStart.length;
  }

  @Override
  public long[] levelStart() {
    return levelStart.clone();
  }

  @Override
  public long[] levelBlocks() {
    return levelBlocks.clone();
  }

  /** First hash block of {@code level}. */
  public long levelStart(int level) {
    return levelStart[level];
  }

  /** Hash blocks in {@code level}. */
  public long levelBlocks(int level) {
    return levelBlocks[level];
  }

  /** Hash blocks of the tree, superblock excluded ({@code veritysetup}'s "Hash blocks"). */
  public long hashBlocks() {
    return Arrays.stream(levelBlocks).sum();
  }

  /** Bytes the hash file needs from its start: through the last tree block ("Hash device size"). */
  public long hashDeviceSize() {
    return (hashStartBlock + hashBlocks()) * params.hashBlockSize();
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VerityLayout l && params.equals(l.params) && hashStartBlock == l.hashStartBlock
        && Arrays.equals(levelStart, l.levelStart) && Arrays.equals(levelBlocks, l.levelBlocks);
  }

  @Override
  public int hashCode() {
    return params.hashCode() * 31 + Arrays.hashCode(levelBlocks);
  }

  @Override
  public String toString() {
    return "VerityLayout[start " + hashStartBlock + ", levels " + Arrays.toString(levelBlocks) + "]";
  }
}

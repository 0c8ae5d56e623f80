package io.cosbuild.rootfs.fat;

import java.util.OptionalLong;
import java.util.function.IntToLongFunction;

/**
 * Where the parts of a FAT32 filesystem lie: 512-byte sectors, {@value #RESERVED_SECTORS} reserved sectors, two
 * FATs, then the data clusters, numbered from 2. Sizes and the FAT length follow mkfs.fat 4.2: the cluster size
 * from Microsoft's FAT32 table, the FAT long enough for every cluster and a whole number of clusters long, so
 * that clusters stay aligned to their size. Immutable and thread-safe.
 *
 * @param sectors sectors of the filesystem (BPB_TotSec32); the sectors after the last whole cluster are unused
 * @param sectorsPerCluster 1, 8, 16 or 32
 * @param fatSectors sectors of one FAT (BPB_FATSz32)
 * @param clusters data clusters
 */
record FatGeometry(long sectors, int sectorsPerCluster, long fatSectors, long clusters) {

  static final int SECTOR = 512;
  static final int RESERVED_SECTORS = 32;
  static final int FATS = 2;
  /** Fewer clusters make a FAT16 by Microsoft's rule of how a FAT's type is told. */
  static final long MIN_CLUSTERS = 65525;
  static final long MAX_BYTES = 32L << 30;
  private static final long MIB = 1 << 20;

  FatGeometry {
    if (fatSectors * SECTOR / 4 < clusters + 2) {
      throw new IllegalArgumentException(fatSectors + " FAT sectors do not cover " + clusters + " clusters");
    }
  }

  /**
   * The geometry of a filesystem of {@code bytes}, which may have too few clusters for FAT32.
   *
   * @throws FatException if {@code bytes} is over 32 GiB, where FAT32 needs 64-sector clusters
   */
  static FatGeometry forSize(long bytes) throws FatException {
    if (bytes > MAX_BYTES) {
      throw new FatException(bytes + " bytes is larger than " + MAX_BYTES + " (32 GiB), the largest FAT32 filesystem"
          + " written here; give a smaller size");
    }
    long sectors = bytes / SECTOR;
    return of(sectors, sectorsPerCluster(sectors));
  }

  /** Microsoft's FAT32 table for 512-byte sectors (fatgen103, DskTableFAT32), up to 32 GiB. */
  private static int sectorsPerCluster(long sectors) {
    if (sectors <= 532_480) {
      return 1;
    } else if (sectors <= 16_777_216) {
      return 8;
    } else if (sectors <= 33_554_432) {
      return 16;
    }
    return 32;
  }

  private static FatGeometry of(long sectors, int spc) {
    long dataAndFats = sectors - RESERVED_SECTORS;
    // mkfs.fat's estimate: each cluster costs its sectors plus 4 bytes in each FAT; 2 entries are reserved.
    long clusters = Math.max(0, (dataAndFats * SECTOR + FATS * 8) / ((long) spc * SECTOR + FATS * 4));
    long fat = alignUp(ceilDiv((clusters + 2) * 4, SECTOR), spc);
    clusters = Math.max(0, (dataAndFats - FATS * fat) / spc);
    // The estimate may fall a cluster short of the truth; grow the FAT until it covers what remains.
    while (fat * SECTOR / 4 < clusters + 2) {
      fat += spc;
      clusters = Math.max(0, (dataAndFats - FATS * fat) / spc);
    }
    return new FatGeometry(sectors, spc, fat, clusters);
  }

  /**
   * The smallest size, in whole MiB (as partitions are sized), that makes a FAT32 filesystem of at least
   * {@value #MIN_CLUSTERS} clusters and of as many as {@code clustersNeeded} asks for at its cluster size (in
   * bytes); empty if 32 GiB is not enough.
   */
  static OptionalLong smallestSize(IntToLongFunction clustersNeeded) {
    long[] needed = new long[33];
    for (int spc : new int[] {1, 8, 16, 32}) {
      needed[spc] = Math.max(MIN_CLUSTERS, clustersNeeded.applyAsLong(spc * SECTOR));
    }
    // Clusters grow with the size but not strictly (a FAT sector more costs two), so every size is tried.
    for (long bytes = MIB; bytes <= MAX_BYTES; bytes += MIB) {
      long sectors = bytes / SECTOR;
      int spc = sectorsPerCluster(sectors);
      if (of(sectors, spc).clusters >= needed[spc]) {
        return OptionalLong.of(bytes);
      }
    }
    return OptionalLong.empty();
  }

  int clusterBytes() {
    return sectorsPerCluster * SECTOR;
  }

  long firstFatSector(int copy) {
    return RESERVED_SECTORS + copy * fatSectors;
  }

  /** The first sector of a data cluster (2 .. clusters + 1). */
  long clusterSector(long cluster) {
    return RESERVED_SECTORS + FATS * fatSectors + (cluster - 2) * sectorsPerCluster;
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  private static long alignUp(long n, int unit) {
    return ceilDiv(n, unit) * unit;
  }
}

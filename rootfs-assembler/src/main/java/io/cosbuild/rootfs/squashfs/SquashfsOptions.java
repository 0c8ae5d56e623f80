package io.cosbuild.rootfs.squashfs;

import java.util.Collections;
import java.util.EnumSet;
import java.util.OptionalLong;
import java.util.Set;

/**
 * How to write a squashfs image. Immutable and thread-safe.
 *
 * @param compression the compressor for data and metadata
 * @param level compressor level, within the compressor's range
 * @param blockSize data block size: a power of two from 4 KiB to 1 MiB (default 128 KiB)
 * @param sourceDateEpoch when present, every mtime later than it is clamped to it and the
 *     superblock time is it; when absent the superblock time is 0 (never the clock)
 * @param threads how many threads compress blocks; the output does not depend on it
 * @param alwaysFragments also pack the tails of files larger than a block into fragments
 *     (mksquashfs {@code -always-use-fragments}); by default only files smaller than a block are
 *     packed, as mksquashfs does
 * @param exportTable write the export table (NFS export, parent lookup), as mksquashfs does by default
 * @param xzFilters xz only: the BCJ filters each data block is also tried with (mksquashfs {@code -Xbcj})
 */
public record SquashfsOptions(Compression compression, int level, int blockSize, OptionalLong sourceDateEpoch,
    int threads, boolean alwaysFragments, boolean exportTable, Set<XzFilter> xzFilters) {

  public static final int DEFAULT_BLOCK_SIZE = 128 * 1024;

  public SquashfsOptions {
    if (compression == null || sourceDateEpoch == null || xzFilters == null) {
      throw new IllegalArgumentException("compression, sourceDateEpoch and xzFilters must not be null");
    }
    xzFilters = xzFilters.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(xzFilters));
    if (!xzFilters.isEmpty() && compression != Compression.XZ) {
      throw new IllegalArgumentException("BCJ filters are xz's: " + compression.cliName() + " takes none");
    }
    if (level < compression.minLevel() || level > compression.maxLevel()) {
      throw new IllegalArgumentException(compression.cliName() + " level must be between "
          + compression.minLevel() + " and " + compression.maxLevel() + ", got " + level);
    }
    if (Integer.bitCount(blockSize) != 1 || blockSize < 4096 || blockSize > (1 << 20)) {
      throw new IllegalArgumentException("block size must be a power of two from 4096 to 1048576, got " + blockSize);
    }
    if (sourceDateEpoch.isPresent() && (sourceDateEpoch.getAsLong() < 0 || sourceDateEpoch.getAsLong() > 0xffffffffL)) {
      throw new IllegalArgumentException("source date epoch must be between 0 and 4294967295, got "
          + sourceDateEpoch.getAsLong());
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
  }

  /** Without BCJ filters. */
  public SquashfsOptions(Compression compression, int level, int blockSize, OptionalLong sourceDateEpoch, int threads,
      boolean alwaysFragments, boolean exportTable) {
    this(compression, level, blockSize, sourceDateEpoch, threads, alwaysFragments, exportTable, Set.of());
  }

  /** zstd at its default level, 128 KiB blocks, all cores, no epoch. */
  public static SquashfsOptions defaults() {
    return of(Compression.ZSTD);
  }

  public static SquashfsOptions of(Compression compression) {
    return new SquashfsOptions(compression, compression.defaultLevel(), DEFAULT_BLOCK_SIZE, OptionalLong.empty(),
        Runtime.getRuntime().availableProcessors(), false, true);
  }

  public SquashfsOptions withLevel(int newLevel) {
    return new SquashfsOptions(compression, newLevel, blockSize, sourceDateEpoch, threads, alwaysFragments, exportTable, xzFilters);
  }

  public SquashfsOptions withBlockSize(int newBlockSize) {
    return new SquashfsOptions(compression, level, newBlockSize, sourceDateEpoch, threads, alwaysFragments, exportTable, xzFilters);
  }

  public SquashfsOptions withSourceDateEpoch(OptionalLong epoch) {
    return new SquashfsOptions(compression, level, blockSize, epoch, threads, alwaysFragments, exportTable, xzFilters);
  }

  public SquashfsOptions withThreads(int newThreads) {
    return new SquashfsOptions(compression, level, blockSize, sourceDateEpoch, newThreads, alwaysFragments, exportTable, xzFilters);
  }

  public SquashfsOptions withAlwaysFragments(boolean on) {
    return new SquashfsOptions(compression, level, blockSize, sourceDateEpoch, threads, on, exportTable, xzFilters);
  }

  public SquashfsOptions withXzFilters(Set<XzFilter> filters) {
    return new SquashfsOptions(compression, level, blockSize, sourceDateEpoch, threads, alwaysFragments, exportTable, filters);
  }
}

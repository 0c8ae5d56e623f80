package io.cosbuild.rootfs.squashfs;

import java.io.IOException;

/**
 * Compresses squashfs data and metadata blocks with one algorithm and level. Instances keep
 * native or scratch state and are NOT thread-safe: use one per thread ({@link #create}).
 */
public interface Compressor {

  /**
   * Compresses {@code len} bytes of {@code src} from {@code off}. Returns the compressed bytes, or
   * {@code null} when the result would not be smaller than the input (the caller stores the block
   * uncompressed, as squashfs requires).
   */
  byte[] compress(byte[] src, int off, int len) throws IOException;

  /** As {@link #compress} for a metadata block, which mksquashfs never runs through xz's BCJ filters. */
  default byte[] compressMetadata(byte[] src, int off, int len) throws IOException {
    return compress(src, off, len);
  }

  /**
   * The compressor options block mksquashfs writes after the superblock, or {@code null} when the
   * settings are the format's defaults and no options are written.
   */
  byte[] options();

  static Compressor create(Compression compression, int level, int blockSize) {
    return create(compression, level, blockSize, java.util.Set.of());
  }

  /** With {@code xzFilters}, which only xz takes. */
  static Compressor create(Compression compression, int level, int blockSize, java.util.Set<XzFilter> xzFilters) {
    if (!xzFilters.isEmpty() && compression != Compression.XZ) {
      throw new IllegalArgumentException("BCJ filters are xz's: " + compression.cliName() + " takes none");
    }
    if (level < compression.minLevel() || level > compression.maxLevel()) {
      throw new IllegalArgumentException(compression.cliName() + " level must be between "
          + compression.minLevel() + " and " + compression.maxLevel() + ": " + level);
    }
    return switch (compression) {
      case GZIP -> new GzipCompressor(level);
      case ZSTD -> new ZstdCompressor(level);
      case XZ -> new XzCompressor(level, blockSize, xzFilters);
      case LZ4 -> new Lz4Compressor(level);
    };
  }
}

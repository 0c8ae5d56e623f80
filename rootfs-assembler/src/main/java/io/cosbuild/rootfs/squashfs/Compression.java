package io.cosbuild.rootfs.squashfs;

import java.util.Locale;

/**
 * The squashfs compressors this writer supports, with the id the superblock records and the level
 * range each accepts. Immutable.
 */
public enum Compression {
  GZIP(1, 9, 1, 9),
  XZ(4, 6, 0, 9),
  /** Level 0 is the fast LZ4 compressor; 1-17 selects LZ4 HC at that level. */
  LZ4(5, 0, 0, 17),
  ZSTD(6, 15, 1, 22);

  private final int id;
  private final int defaultLevel;
  private final int minLevel;
  private final int maxLevel;

  Compression(int id, int defaultLevel, int minLevel, int maxLevel) {
    this.id = id;
    this.defaultLevel = defaultLevel;
    this.minLevel = minLevel;
    this.maxLevel = maxLevel;
  }

  /** The superblock's compression id. */
  public int id() {
    return id;
  }

  public int defaultLevel() {
    return defaultLevel;
  }

  public int minLevel() {
    return minLevel;
  }

  public int maxLevel() {
    return maxLevel;
  }

  /** The name used on the command line: gzip, xz, lz4, zstd. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a command-line name; throws IllegalArgumentException naming the accepted ones. */
  public static Compression parse(String name) {
    for (Compression c : values()) {
      if (c.cliName().equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown compressor '" + name + "': use gzip, zstd, xz or lz4");
  }

  public static Compression fromId(int id) throws SquashfsException {
    for (Compression c : values()) {
      if (c.id == id) {
        return c;
      }
    }
    throw new SquashfsException("unsupported squashfs compression id " + id);
  }
}

package io.cosbuild.disk.inspect;

import io.cosbuild.disk.DiskImageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a partition holds, recognised by magic numbers. Immutable.
 *
 * <table>
 * <caption>Recognised contents</caption>
 * <tr><th>type</th><th>magic</th><th>size from</th></tr>
 * <tr><td>squashfs</td><td>"hsqs" at 0</td><td>bytes_used (u64 at 40)</td></tr>
 * <tr><td>ext2/ext3/ext4</td><td>0xEF53 at 1080</td><td>block count (1024+4, hi at 1024+0x150) * block size</td></tr>
 * <tr><td>vfat</td><td>0x55AA at 510 and "FAT" at 54 or 82</td><td>total sectors * bytes per sector</td></tr>
 * <tr><td>verity</td><td>"verity\0\0" at 0</td><td>see {@link VerityFacts}</td></tr>
 * <tr><td>none</td><td>first 64 KiB all zero</td><td></td></tr>
 * </table>
 *
 * @param type one of the types above, or "unknown"
 * @param sizeBytes the size the file system says it has, or -1
 * @param verity the superblock facts for type verity, else null
 * @param compression for squashfs, the compressor and what its options block records, in unsquashfs's words
 *     ("xz, filters x86, arm", "zstd, level 19", "gzip"); else null
 */
public record FilesystemInfo(String type, long sizeBytes, VerityFacts verity, String compression) {

  public FilesystemInfo(String type, long sizeBytes, VerityFacts verity) {
    this(type, sizeBytes, verity, null);
  }

  private static final String[] COMPRESSORS = {"", "gzip", "lzma", "lzo", "xz", "lz4", "zstd"};
  /** squashfs-tools' -Xbcj filters by the bit their xz options record them with. */
  private static final String[] XZ_FILTERS = {"x86", "powerpc", "ia64", "arm", "armthumb", "sparc", "arm64", "riscv"};
  private static final int COMPRESSOR_OPTIONS = 0x0400;

  public static FilesystemInfo probe(FileChannel disk, long offset, long length) throws IOException {
    int n = (int) Math.min(length, 65536);
    byte[] b = new byte[n];
    ByteBuffer buf = ByteBuffer.wrap(b);
    while (buf.hasRemaining()) {
      if (disk.read(buf, offset + buf.position()) < 0) {
        break;
      }
    }
    ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    if (n >= 48 && b[0] == 'h' && b[1] == 's' && b[2] == 'q' && b[3] == 's') {
      return new FilesystemInfo("squashfs", le.getLong(40), null, squashfsCompression(le, n));
    }
    if (n >= 512 && VerityFacts.hasSignature(b)) {
      try {
        return new FilesystemInfo("verity", -1, VerityFacts.parse(Arrays.copyOf(b, 512), "verity superblock"));
      } catch (DiskImageException e) {
        return new FilesystemInfo("verity (unreadable superblock: " + e.getMessage() + ")", -1, null);
      }
    }
    if (n >= 2048 && Short.toUnsignedInt(le.getShort(1080)) == 0xEF53) {
      int compat = le.getInt(1024 + 92);
      int incompat = le.getInt(1024 + 96);
      long blocks = Integer.toUnsignedLong(le.getInt(1024 + 4));
      if ((incompat & 0x80) != 0) {
        blocks |= Integer.toUnsignedLong(le.getInt(1024 + 0x150)) << 32;
      }
      int log = le.getInt(1024 + 24);
      long size = log >= 0 && log <= 6 ? blocks * (1024L << log) : -1;
      String type = (incompat & 0x40) != 0 || (incompat & 0x80) != 0 ? "ext4" : (compat & 0x4) != 0 ? "ext3" : "ext2";
      return new FilesystemInfo(type, size, null);
    }
    if (n >= 512 && (b[510] & 0xFF) == 0x55 && (b[511] & 0xFF) == 0xAA
        && (ascii(b, 54, 3).equals("FAT") || ascii(b, 82, 5).equals("FAT32"))) {
      long sectors = Short.toUnsignedInt(le.getShort(19));
      if (sectors == 0) {
        sectors = Integer.toUnsignedLong(le.getInt(32));
      }
      return new FilesystemInfo("vfat", sectors * Short.toUnsignedInt(le.getShort(11)), null);
    }
    for (byte x : b) {
      if (x != 0) {
        return new FilesystemInfo("unknown", -1, null);
      }
    }
    return new FilesystemInfo("none", -1, null);
  }

  /**
   * The superblock's compressor (u16 at 20) and, when its flags (u16 at 24) say an options block follows the
   * superblock, what that uncompressed metadata block records for the compressor.
   */
  private static String squashfsCompression(ByteBuffer le, int n) {
    int id = Short.toUnsignedInt(le.getShort(20));
    String name = id < COMPRESSORS.length && id > 0 ? COMPRESSORS[id] : "unknown (id " + id + ")";
    int header = n >= 98 ? Short.toUnsignedInt(le.getShort(96)) : 0;
    if ((Short.toUnsignedInt(le.getShort(24)) & COMPRESSOR_OPTIONS) == 0 || (header & 0x8000) == 0
        || (header & 0x7fff) < 4 || n < 98 + (header & 0x7fff)) {
      return name;
    }
    int length = header & 0x7fff;
    int first = le.getInt(98);
    return switch (name) {
      case "gzip", "zstd" -> name + ", level " + first;
      case "lz4" -> length >= 8 && (le.getInt(102) & 1) != 0 ? name + ", high compression" : name;
      case "xz" -> {
        int flags = length >= 8 ? le.getInt(102) : 0;
        List<String> filters = new ArrayList<>();
        for (int i = 0; i < XZ_FILTERS.length; i++) {
          if ((flags >> i & 1) != 0) {
            filters.add(XZ_FILTERS[i]);
          }
        }
        yield name + ", dictionary " + first + (filters.isEmpty() ? "" : ", filters " + String.join(", ", filters));
      }
      default -> name;
    };
  }

  private static String ascii(byte[] b, int off, int len) {
    return new String(b, off, len, StandardCharsets.US_ASCII);
  }
}

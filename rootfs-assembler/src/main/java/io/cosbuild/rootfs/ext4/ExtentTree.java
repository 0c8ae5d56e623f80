package io.cosbuild.rootfs.ext4;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.zip.CRC32C;

/**
 * An inode's extent tree: up to four entries in {@code i_block}, more in 4 KiB tree blocks. Little
 * endian. Stateless; {@link #build} returns new arrays, so it is thread-safe.
 *
 * <pre>
 * header (12 bytes): 0x0 u16 eh_magic 0xF30A, 0x2 u16 eh_entries, 0x4 u16 eh_max,
 *                    0x6 u16 eh_depth (0 = entries are leaves), 0x8 u32 eh_generation
 * leaf   (12 bytes): 0x0 u32 ee_block (first logical block), 0x4 u16 ee_len (1..32768),
 *                    0x6 u16 ee_start_hi, 0x8 u32 ee_start_lo
 * index  (12 bytes): 0x0 u32 ei_block, 0x4 u32 ei_leaf_lo, 0x8 u16 ei_leaf_hi, 0xA u16 unused
 * tree block tail at 12 + 12 * eh_max (= 4092): u32 crc32c(uuid, ino, generation, bytes 0..4091)
 * </pre>
 */
final class ExtentTree {

  static final int MAX_LEN = 32768;
  private static final int MAGIC = 0xF30A;
  private static final int IN_INODE = 4;
  private static final int PER_BLOCK = (Ext4Layout.BLOCK_SIZE - 12 - 4) / 12;

  private ExtentTree() {}

  /** One run of initialized blocks. */
  record Extent(long logical, long physical, int length) {
    Extent {
      if (length < 1 || length > MAX_LEN || logical < 0 || logical + length > 1L << 32 || physical < 0) {
        throw new IllegalArgumentException("bad extent " + logical + "+" + length + "@" + physical);
      }
    }
  }

  /** i_block content plus the tree blocks to write at the given block numbers. */
  record Built(byte[] iBlock, long[] blockNumbers, List<byte[]> blocks) {}

  /** An empty tree (depth 0, no entries) as i_block holds it for an empty file. */
  static byte[] empty() {
    return build(List.of(), () -> {
      throw new IllegalStateException();
    }, null, 0).iBlock();
  }

  /**
   * Builds the tree; {@code allocate} gives the physical block for each tree block needed.
   * Extents must be sorted by logical block and not overlap.
   */
  static Built build(List<Extent> extents, LongSupplier allocate, Ext4Checksum csum, long ino) {
    List<long[]> level = new ArrayList<>(extents.size()); // {firstLogical, physical, length}
    for (Extent e : extents) {
      level.add(new long[] {e.logical(), e.physical(), e.length()});
    }
    int depth = 0;
    List<Long> numbers = new ArrayList<>();
    List<byte[]> blocks = new ArrayList<>();
    while (level.size() > IN_INODE) {
      List<long[]> up = new ArrayList<>();
      for (int i = 0; i < level.size(); i += PER_BLOCK) {
        List<long[]> chunk = level.subList(i, Math.min(level.size(), i + PER_BLOCK));
        byte[] block = new byte[Ext4Layout.BLOCK_SIZE];
        ByteBuffer b = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
        header(b, chunk.size(), PER_BLOCK, depth);
        entries(b, chunk, depth);
        CRC32C c = csum.inodeSeeded(ino, 0);
        c.update(block, 0, 12 + 12 * PER_BLOCK);
        b.putInt(12 + 12 * PER_BLOCK, Ext4Checksum.raw(c));
        long at = allocate.getAsLong();
        numbers.add(at);
        blocks.add(block);
        up.add(new long[] {chunk.get(0)[0], at, 0});
      }
      level = up;
      depth++;
    }
    ByteBuffer root = ByteBuffer.allocate(60).order(ByteOrder.LITTLE_ENDIAN);
    header(root, level.size(), IN_INODE, depth);
    entries(root, level, depth);
    long[] nums = numbers.stream().mapToLong(Long::longValue).toArray();
    return new Built(root.array(), nums, blocks);
  }

  private static void header(ByteBuffer b, int entries, int max, int depth) {
    b.putShort(0, (short) MAGIC);
    b.putShort(2, (short) entries);
    b.putShort(4, (short) max);
    b.putShort(6, (short) depth);
    b.putInt(8, 0);
  }

  private static void entries(ByteBuffer b, List<long[]> entries, int depth) {
    int off = 12;
    for (long[] e : entries) {
      b.putInt(off, (int) e[0]);
      if (depth == 0) {
        b.putShort(off + 4, (short) e[2]);
        b.putShort(off + 6, (short) (e[1] >>> 32));
        b.putInt(off + 8, (int) e[1]);
      } else {
        b.putInt(off + 4, (int) e[1]);
        b.putShort(off + 8, (short) (e[1] >>> 32));
      }
      off += 12;
    }
  }

  /** Logical-block runs, as parsed back from a depth-0 i_block (for tests and inspection). */
  static List<Extent> parseInline(byte[] iBlock) throws Ext4Exception {
    ByteBuffer b = ByteBuffer.wrap(iBlock).order(ByteOrder.LITTLE_ENDIAN);
    if ((b.getShort(0) & 0xffff) != MAGIC) {
      throw new Ext4Exception("extent header: bad magic");
    }
    int n = b.getShort(2) & 0xffff;
    if (n > IN_INODE || b.getShort(6) != 0) {
      throw new Ext4Exception("extent header: " + n + " entries at depth " + b.getShort(6) + " not inline leaves");
    }
    List<Extent> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int off = 12 + 12 * i;
      long phys = (b.getShort(off + 6) & 0xffffL) << 32 | (b.getInt(off + 8) & 0xffffffffL);
      out.add(new Extent(b.getInt(off) & 0xffffffffL, phys, b.getShort(off + 4) & 0xffff));
    }
    return out;
  }
}

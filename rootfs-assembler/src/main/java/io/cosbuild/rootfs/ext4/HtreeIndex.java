package io.cosbuild.rootfs.ext4;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A hashed (htree) directory: block 0 is the dx_root, then index nodes (for two levels), then leaf
 * blocks ({@link DirectoryBlock}) holding the names sorted by hash. Little endian. Stateless and
 * thread-safe.
 *
 * <pre>
 * dx_root: 0x00 "." dirent (inode, rec_len 12, name_len 1, type 2), 0x0C ".." dirent (rec_len 4084),
 *          0x18 u32 reserved 0, 0x1C u8 hash_version (1 = half_md4), 0x1D u8 info_length 8,
 *          0x1E u8 indirect_levels, 0x1F u8 flags, 0x20 u16 limit (507), 0x22 u16 count,
 *          0x24 u32 block of entry 0, then {u32 hash, u32 block} entries
 * dx_node: 0x00 u32 inode 0, 0x04 u16 rec_len 4096, 0x06 u8 0, 0x07 u8 0, 0x08 u16 limit (510),
 *          0x0A u16 count, 0x0C u32 block of entry 0, then entries
 * dx_tail at count offset + 8 * limit: u32 reserved, u32 crc32c(uuid, ino, generation,
 *          bytes 0 .. count offset + 8 * count, the 8 tail bytes with the checksum 0)
 * </pre>
 * An index hash with bit 0 set marks a leaf whose first name continues a run of equal hashes.
 */
final class HtreeIndex {

  private static final int ROOT_COUNT_OFFSET = 0x20;
  private static final int NODE_COUNT_OFFSET = 0x08;
  static final int ROOT_LIMIT = (Ext4Layout.BLOCK_SIZE - ROOT_COUNT_OFFSET) / 8 - 1;
  static final int NODE_LIMIT = (Ext4Layout.BLOCK_SIZE - NODE_COUNT_OFFSET) / 8 - 1;

  private HtreeIndex() {}

  /** All blocks of the directory in logical order. */
  static List<byte[]> build(long dirIno, long parentIno, List<DirectoryBlock.Entry> entries, DirHash hasher,
      Ext4Checksum csum, String where) throws Ext4Exception {
    int n = entries.size();
    int[] hashes = new int[n];
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      hashes[i] = hasher.hash(entries.get(i).name());
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> {
      int c = Integer.compareUnsigned(hashes[x], hashes[y]);
      return c != 0 ? c : Arrays.compareUnsigned(entries.get(x).name(), entries.get(y).name());
    });
    List<List<DirectoryBlock.Entry>> leaves = new ArrayList<>();
    List<Integer> leafHash = new ArrayList<>();
    List<DirectoryBlock.Entry> cur = null;
    int used = 0;
    int prevHash = 0;
    for (int k = 0; k < n; k++) {
      DirectoryBlock.Entry e = entries.get(order[k]);
      int h = hashes[order[k]];
      if (cur == null || used + e.recLen() > DirectoryBlock.CAPACITY) {
        cur = new ArrayList<>();
        leaves.add(cur);
        leafHash.add(k > 0 && prevHash == h ? h | 1 : h);
        used = 0;
      }
      cur.add(e);
      used += e.recLen();
      prevHash = h;
    }
    int leafCount = leaves.size();
    int levels;
    int nodes;
    if (leafCount <= ROOT_LIMIT) {
      levels = 0;
      nodes = 0;
    } else {
      levels = 1;
      nodes = (leafCount + NODE_LIMIT - 1) / NODE_LIMIT;
      if (nodes > ROOT_LIMIT) {
        throw new Ext4Exception(where + ": directory of " + n + " entries needs a three-level htree (large_dir),"
            + " which this writer does not make; split the directory");
      }
    }
    int firstLeaf = 1 + nodes;
    List<byte[]> out = new ArrayList<>(1 + nodes + leafCount);
    if (levels == 0) {
      int[][] es = new int[leafCount][];
      for (int i = 0; i < leafCount; i++) {
        es[i] = new int[] {leafHash.get(i), firstLeaf + i};
      }
      out.add(root(dirIno, parentIno, 0, es, csum));
    } else {
      int[][] rootEntries = new int[nodes][];
      List<byte[]> nodeBlocks = new ArrayList<>();
      for (int j = 0; j < nodes; j++) {
        int from = j * NODE_LIMIT;
        int to = Math.min(leafCount, from + NODE_LIMIT);
        int[][] es = new int[to - from][];
        for (int i = from; i < to; i++) {
          es[i - from] = new int[] {leafHash.get(i), firstLeaf + i};
        }
        rootEntries[j] = new int[] {leafHash.get(from), 1 + j};
        nodeBlocks.add(node(dirIno, es, csum));
      }
      out.add(root(dirIno, parentIno, 1, rootEntries, csum));
      out.addAll(nodeBlocks);
    }
    for (List<DirectoryBlock.Entry> leaf : leaves) {
      out.add(DirectoryBlock.toBytes(leaf, csum, dirIno));
    }
    return out;
  }

  private static byte[] root(long dirIno, long parentIno, int levels, int[][] entries, Ext4Checksum csum) {
    byte[] block = new byte[Ext4Layout.BLOCK_SIZE];
    ByteBuffer b = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0, (int) dirIno);
    b.putShort(4, (short) 12);
    b.put(6, (byte) 1);
    b.put(7, (byte) 2);
    b.put(8, (byte) '.');
    b.putInt(12, (int) parentIno);
    b.putShort(16, (short) (Ext4Layout.BLOCK_SIZE - 12));
    b.put(18, (byte) 2);
    b.put(19, (byte) 2);
    b.put(20, (byte) '.');
    b.put(21, (byte) '.');
    b.put(0x1C, (byte) 1);
    b.put(0x1D, (byte) 8);
    b.put(0x1E, (byte) levels);
    fill(b, ROOT_COUNT_OFFSET, ROOT_LIMIT, entries, csum, dirIno);
    return block;
  }

  private static byte[] node(long dirIno, int[][] entries, Ext4Checksum csum) {
    byte[] block = new byte[Ext4Layout.BLOCK_SIZE];
    ByteBuffer b = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort(4, (short) Ext4Layout.BLOCK_SIZE);
    fill(b, NODE_COUNT_OFFSET, NODE_LIMIT, entries, csum, dirIno);
    return block;
  }

  private static void fill(ByteBuffer b, int countOffset, int limit, int[][] entries, Ext4Checksum csum,
      long dirIno) {
    b.putShort(countOffset, (short) limit);
    b.putShort(countOffset + 2, (short) entries.length);
    b.putInt(countOffset + 4, entries[0][1]);
    for (int i = 1; i < entries.length; i++) {
      b.putInt(countOffset + 8 * i, entries[i][0]);
      b.putInt(countOffset + 8 * i + 4, entries[i][1]);
    }
    int tail = countOffset + 8 * limit;
    CRC32C c = csum.inodeSeeded(dirIno, 0);
    c.update(b.array(), 0, countOffset + 8 * entries.length);
    c.update(b.array(), tail, 8); // dt_reserved and the still-zero dt_checksum
    b.putInt(tail + 4, Ext4Checksum.raw(c));
  }
}

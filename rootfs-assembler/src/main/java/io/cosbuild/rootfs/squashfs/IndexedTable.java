package io.cosbuild.rootfs.squashfs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The layout shared by the fragment, export, id and xattr id tables: fixed-size entries packed
 * into metadata blocks, followed by an array of little-endian u64 image offsets, one per metadata
 * block; the superblock points at that array. Stateless.
 */
final class IndexedTable {

  private IndexedTable() {}

  /** The metadata blocks and the offset array, for a table whose blocks start at {@code position}. */
  record Encoded(byte[] blocks, byte[] lookup) {
    long size() {
      return (long) blocks.length + lookup.length;
    }
  }

  static Encoded encode(byte[] entries, int entrySize, long position, Compressor compressor) throws IOException {
    MetadataWriter w = new MetadataWriter(compressor);
    int perBlock = MetadataWriter.BLOCK_SIZE / entrySize;
    int count = entries.length / entrySize;
    int blocks = (count + perBlock - 1) / perBlock;
    ByteBuffer lookup = ByteBuffer.allocate(8 * blocks).order(ByteOrder.LITTLE_ENDIAN);
    for (int b = 0; b < blocks; b++) {
      lookup.putLong(position + w.blockStart());
      int from = b * perBlock * entrySize;
      int to = Math.min(entries.length, from + perBlock * entrySize);
      w.write(entries, from, to - from);
    }
    return new Encoded(w.finish(), lookup.array());
  }
}

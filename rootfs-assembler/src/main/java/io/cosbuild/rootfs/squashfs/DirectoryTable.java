package io.cosbuild.rootfs.squashfs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes directory listings into the directory table. A listing is runs of entries, each run
 * behind a 12-byte header:
 *
 * <pre>
 * off size field
 *   0  4   entry count - 1 (at most 255)
 *   4  4   start of the metadata block holding the entries' inodes, relative to the inode table
 *   8  4   base inode number
 * </pre>
 *
 * A new run starts when 256 entries are reached, when an inode lives in another inode block,
 * when an inode number is more than ±32767 from the base, or when the listing has crossed into a
 * new directory metadata block; the last case also adds an index entry so large directories are
 * looked up without reading them whole. Not thread-safe.
 */
final class DirectoryTable {

  /** Where a listing starts and how to find its parts: what a directory inode records. */
  record Listing(long startBlock, int blockOffset, long size, List<DirectoryIndexEntry> index) {}

  private final MetadataWriter out;

  DirectoryTable(Compressor compressor) {
    this.out = new MetadataWriter(compressor);
  }

  /** Writes the entries (sorted by name bytes) of one directory. */
  Listing write(List<DirectoryEntry> entries) throws IOException {
    long startBlock = out.blockStart();
    int startOffset = out.blockOffset();
    long start = out.uncompressedSize();
    List<DirectoryIndexEntry> index = new ArrayList<>();
    ByteBuffer run = ByteBuffer.allocate(12 + 256 * (8 + 256)).order(ByteOrder.LITTLE_ENDIAN);
    int i = 0;
    long indexedBlock = startBlock;
    while (i < entries.size()) {
      DirectoryEntry first = entries.get(i);
      long inodeBlock = first.inodeReference() >>> 16;
      long base = first.inodeNumber();
      long headerBlock = out.blockStart();
      if (headerBlock != indexedBlock) {
        index.add(new DirectoryIndexEntry(out.uncompressedSize() - start, headerBlock, first.rawName()));
        indexedBlock = headerBlock;
      }
      // Count the run first: its entries must stay in the directory block the header starts in.
      long pos = out.uncompressedSize() + 12;
      int n = 0;
      while (i + n < entries.size() && n < 256) {
        DirectoryEntry e = entries.get(i + n);
        long diff = e.inodeNumber() - base;
        if ((e.inodeReference() >>> 16) != inodeBlock || diff < -32768 || diff > 32767) {
          break;
        }
        if (n > 0 && pos / MetadataWriter.BLOCK_SIZE != (out.uncompressedSize()) / MetadataWriter.BLOCK_SIZE) {
          break;
        }
        pos += 8 + e.nameLength();
        n++;
      }
      run.clear();
      run.putInt(n - 1).putInt((int) inodeBlock).putInt((int) base);
      for (int k = 0; k < n; k++) {
        DirectoryEntry e = entries.get(i + k);
        run.putShort((short) (e.inodeReference() & 0xffff)).putShort((short) (e.inodeNumber() - base))
            .putShort((short) e.basicType()).putShort((short) (e.nameLength() - 1)).put(e.rawName());
      }
      out.write(run.array(), 0, run.position());
      i += n;
    }
    return new Listing(startBlock, startOffset, out.uncompressedSize() - start, index);
  }

  byte[] finish() throws IOException {
    return out.finish();
  }
}

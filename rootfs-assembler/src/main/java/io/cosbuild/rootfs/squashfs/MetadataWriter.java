package io.cosbuild.rootfs.squashfs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Packs a byte stream into squashfs metadata blocks: at most 8 KiB of uncompressed content each,
 * stored compressed behind a 2-byte little-endian header (bit 15 set: stored uncompressed; low 15
 * bits: stored length). Entries may span blocks. A reference to a position is
 * {@code (start of its block relative to the table << 16) | offset in the uncompressed block}.
 * Holds the table in memory (metadata is small next to data). Not thread-safe.
 */
final class MetadataWriter {

  static final int BLOCK_SIZE = 8192;

  private final Compressor compressor;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final byte[] block = new byte[BLOCK_SIZE];
  private int used;
  private long uncompressed;

  MetadataWriter(Compressor compressor) {
    this.compressor = compressor;
  }

  /** The reference of the next byte written. */
  long reference() {
    return ((long) out.size() << 16) | used;
  }

  /** Where the current block starts in the finished table. */
  long blockStart() {
    return out.size();
  }

  /** Offset of the next byte in the current uncompressed block. */
  int blockOffset() {
    return used;
  }

  /** Uncompressed bytes written so far. */
  long uncompressedSize() {
    return uncompressed;
  }

  void write(byte[] bytes) throws IOException {
    write(bytes, 0, bytes.length);
  }

  void write(byte[] bytes, int off, int len) throws IOException {
    while (len > 0) {
      int n = Math.min(len, BLOCK_SIZE - used);
      System.arraycopy(bytes, off, block, used, n);
      used += n;
      off += n;
      len -= n;
      uncompressed += n;
      if (used == BLOCK_SIZE) {
        flush();
      }
    }
  }

  private void flush() throws IOException {
    if (used == 0) {
      return;
    }
    byte[] c = compressor.compressMetadata(block, 0, used);
    if (c == null) {
      header(used | 0x8000);
      out.write(block, 0, used);
    } else {
      header(c.length);
      out.write(c, 0, c.length);
    }
    used = 0;
  }

  private void header(int h) {
    out.write(h & 0xff);
    out.write((h >>> 8) & 0xff);
  }

  /** Flushes the last partial block and returns the whole table. */
  byte[] finish() throws IOException {
    flush();
    return out.toByteArray();
  }

  /** Writes {@code content} as one uncompressed metadata block (the compressor options). */
  static byte[] uncompressedBlock(byte[] content) {
    if (content.length > BLOCK_SIZE) {
      throw new IllegalArgumentException("metadata block too large: " + content.length);
    }
    byte[] b = new byte[content.length + 2];
    int h = content.length | 0x8000;
    b[0] = (byte) h;
    b[1] = (byte) (h >>> 8);
    System.arraycopy(content, 0, b, 2, content.length);
    return b;
  }
}

package io.cosbuild.disk.layout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where an image holds data: sorted, non-overlapping, non-adjacent extents, everything else reads as zeros.
 * The raw writer returns one, so the qcow2 and tar writers read only the data instead of scanning a 20 GiB disk.
 * Immutable and thread-safe.
 *
 * @param size image size in bytes
 * @param extents data extents in offset order
 */
public record SparseMap(long size, List<Extent> extents) {
  /** Zero detection and extent granularity: 4 KiB, the page and file system block size. */
  public static final int BLOCK = 4096;

  /**
   * A byte range holding data.
   *
   * @param offset start
   * @param length bytes, positive
   */
  public record Extent(long offset, long length) {
    public Extent {
      if (offset < 0 || length <= 0 || offset + length < offset) {
        throw new IllegalArgumentException("bad extent " + offset + "+" + length);
      }
    }

    public long end() {
      return offset + length;
    }
  }

  public SparseMap {
    extents = List.copyOf(extents);
    long prev = -1;
    for (Extent e : extents) {
      if (e.offset() <= prev || e.end() > size) {
        throw new IllegalArgumentException("extent " + e + " is out of order or beyond the image size " + size);
      }
      prev = e.end();
    }
  }

  public long dataBytes() {
    return extents.stream().mapToLong(Extent::length).sum();
  }

  /**
   * Builds a map by reading the whole image and keeping the 4 KiB blocks that are not all zero. Time is
   * proportional to the image size (holes read as zeros); prefer the map a writer returned.
   */
  public static SparseMap scan(FileChannel image) throws IOException {
    long size = image.size();
    Builder b = new Builder(size);
    ByteBuffer buf = ByteBuffer.allocate(1 << 20);
    byte[] zero = new byte[BLOCK];
    long pos = 0;
    while (pos < size) {
      buf.clear();
      int n = 0;
      while (buf.hasRemaining() && pos + n < size) {
        int r = image.read(buf, pos + n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      byte[] a = buf.array();
      for (int off = 0; off < n; off += BLOCK) {
        int len = Math.min(BLOCK, n - off);
        if (Arrays.mismatch(a, off, off + len, zero, 0, len) >= 0) {
          b.add(pos + off, len);
        }
      }
      if (n == 0) {
        break;
      }
      pos += n;
    }
    return b.build();
  }

  /** Collects extents in increasing offset order, merging touching ones. Not thread-safe. */
  public static final class Builder {
    private final long size;
    private final List<Extent> out = new ArrayList<>();
    private long start = -1;
    private long end = -1;

    public Builder(long size) {
      this.size = size;
    }

    /**
     * Adds a data range, widened to whole 4 KiB blocks (clamped to the image size), as a file system allocates
     * them; ranges must come in increasing order (overlap with the last one is merged).
     */
    public Builder add(long offsetBytes, long lengthBytes) {
      if (lengthBytes <= 0) {
        return this;
      }
      long offset = offsetBytes / BLOCK * BLOCK;
      long length = Math.min(size, (offsetBytes + lengthBytes + BLOCK - 1) / BLOCK * BLOCK) - offset;
      if (start >= 0 && offset < start) {
        throw new IllegalArgumentException("extent at " + offset + " added out of order");
      }
      if (start >= 0 && offset <= end) {
        end = Math.max(end, offset + length);
      } else {
        flush();
        start = offset;
        end = offset + length;
      }
      return this;
    }

    private void flush() {
      if (start >= 0) {
        out.add(new Extent(start, end - start));
      }
    }

    public SparseMap build() {
      flush();
      start = -1;
      return new SparseMap(size, out);
    }
  }
}

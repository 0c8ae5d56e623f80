package io.cosbuild.rootfs.squashfs;

import java.nio.ByteBuffer;

/**
 * One fragment table entry: where a block of packed file tails is. Immutable.
 *
 * <pre>
 * off size field
 *   0  8   start of the fragment block in the image
 *   8  4   stored size (bit 24: stored uncompressed)
 *  12  4   unused (0)
 * </pre>
 */
public record FragmentEntry(long start, int storedSize) {
  public static final int SIZE = 16;

  public FragmentEntry {
    if (start < 0) {
      throw new IllegalArgumentException("fragment start must not be negative: " + start);
    }
  }

  void writeTo(ByteBuffer b) {
    b.putLong(start).putInt(storedSize).putInt(0);
  }
}

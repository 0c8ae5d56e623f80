package io.cosbuild.rootfs.efi;

import java.nio.ByteBuffer;

/**
 * The PE image checksum (the algorithm of Microsoft's CheckSumMappedFile, which objcopy and pesign also use): the
 * file as little-endian 16-bit words, an odd last byte padded with zero, added with the carry folded back after each
 * word, plus the file's length; the CheckSum field itself counts as zero, which is the caller's to arrange. Fed in
 * pieces of any length, so a file can be summed as it is written. Not thread-safe.
 */
final class PeChecksum {

  private long sum;
  private long length;
  private int pendingLow = -1;

  void update(ByteBuffer data) {
    length += data.remaining();
    while (data.hasRemaining()) {
      int b = data.get() & 0xff;
      if (pendingLow < 0) {
        pendingLow = b;
      } else {
        add(pendingLow | b << 8);
        pendingLow = -1;
      }
    }
  }

  /** The checksum of everything fed so far. */
  long value() {
    long s = sum;
    if (pendingLow >= 0) {
      s += pendingLow;
      s = (s & 0xffff) + (s >>> 16);
    }
    s = (s & 0xffff) + (s >>> 16);
    return (s + length) & PeImage.U32_MAX;
  }

  private void add(int word) {
    sum += word;
    sum = (sum & 0xffff) + (sum >>> 16);
  }
}

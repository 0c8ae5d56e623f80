package io.cosbuild.disk.gce;

import java.nio.charset.StandardCharsets;

/**
 * Numeric tar header fields as GNU tar writes them: octal digits filling all but the last byte, then NUL; values
 * too large for that become GNU base-256 (first byte 0x80, the value big-endian in the remaining bytes).
 */
final class TarNumbers {
  private TarNumbers() {}

  static void put(byte[] dst, int offset, int fieldLength, long value) {
    if (value < 0) {
      throw new IllegalArgumentException("negative tar number " + value);
    }
    int digits = fieldLength - 1;
    if (digits >= 21 || value < (1L << (3 * digits))) {
      String s = Long.toOctalString(value);
      String padded = "0".repeat(digits - s.length()) + s;
      byte[] b = padded.getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(b, 0, dst, offset, digits);
      dst[offset + digits] = 0;
      return;
    }
    dst[offset] = (byte) 0x80;
    long v = value;
    for (int i = fieldLength - 1; i >= 1; i--) {
      dst[offset + i] = (byte) v;
      v >>>= 8;
    }
  }

  static long get(byte[] src, int offset, int fieldLength) {
    if ((src[offset] & 0xFF) == 0x80) {
      long v = 0;
      for (int i = 1; i < fieldLength; i++) {
        if (i < fieldLength - 8 && src[offset + i] != 0) {
          throw new IllegalArgumentException("tar base-256 number does not fit 63 bits");
        }
        v = (v << 8) | (src[offset + i] & 0xFF);
      }
      if (v < 0) {
        throw new IllegalArgumentException("tar base-256 number does not fit 63 bits");
      }
      return v;
    }
    long v = 0;
    for (int i = 0; i < fieldLength; i++) {
      int c = src[offset + i];
      if (c == 0 || c == ' ') {
        if (i == 0) {
          continue;
        }
        break;
      }
      if (c < '0' || c > '7') {
        throw new IllegalArgumentException("bad octal digit in tar number field at offset " + offset);
      }
      v = Math.multiplyExact(v, 8) + (c - '0');
    }
    return v;
  }
}

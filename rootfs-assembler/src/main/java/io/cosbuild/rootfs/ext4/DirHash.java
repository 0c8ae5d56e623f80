package io.cosbuild.rootfs.ext4;

/**
 * The ext4 directory-index name hash, legacy half-MD4 variant (DX_HASH_HALF_MD4 and its unsigned
 * form), seeded with the superblock's {@code s_hash_seed}. The kernel computes the same value to
 * find a name, so it has to match bit for bit: the result has bit 0 cleared and never equals the
 * end-of-directory marker. Immutable and thread-safe.
 */
final class DirHash {

  private static final int K2 = 0x5A827999;
  private static final int K3 = 0x6ED9EBA1;

  private final int[] seed;
  private final boolean unsignedChars;

  /** @param seed the four little-endian words of s_hash_seed; all zero means the MD4 default */
  DirHash(int[] seed, boolean unsignedChars) {
    boolean zero = true;
    for (int s : seed) {
      zero &= s == 0;
    }
    this.seed = zero ? new int[] {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476} : seed.clone();
    this.unsignedChars = unsignedChars;
  }

  /** The major hash of a name (what htree index entries hold). */
  int hash(byte[] name) {
    int[] buf = seed.clone();
    int[] in = new int[8];
    int len = name.length;
    int p = 0;
    while (len > 0) {
      toHashBuffer(name, p, len, in);
      halfMd4(buf, in);
      len -= 32;
      p += 32;
    }
    int h = buf[1] & ~1;
    if (h == (0x7fffffff << 1)) {
      h = (0x7fffffff - 1) << 1;
    }
    return h;
  }

  private void toHashBuffer(byte[] msg, int off, int len, int[] out) {
    int num = 8;
    int pad = len | (len << 8);
    pad |= pad << 16;
    int val = pad;
    int n = Math.min(len, num * 4);
    int o = 0;
    for (int i = 0; i < n; i++) {
      int c = unsignedChars ? (msg[off + i] & 0xff) : msg[off + i];
      val = c + (val << 8);
      if ((i % 4) == 3) {
        out[o++] = val;
        val = pad;
        num--;
      }
    }
    if (--num >= 0) {
      out[o++] = val;
    }
    while (--num >= 0) {
      out[o++] = pad;
    }
  }

  private static int f(int x, int y, int z) {
    return z ^ (x & (y ^ z));
  }

  private static int g(int x, int y, int z) {
    return (x & y) + ((x ^ y) & z);
  }

  private static int h(int x, int y, int z) {
    return x ^ y ^ z;
  }

  private static void halfMd4(int[] buf, int[] in) {
    int a = buf[0];
    int b = buf[1];
    int c = buf[2];
    int d = buf[3];
    a = Integer.rotateLeft(a + f(b, c, d) + in[0], 3);
    d = Integer.rotateLeft(d + f(a, b, c) + in[1], 7);
    c = Integer.rotateLeft(c + f(d, a, b) + in[2], 11);
    b = Integer.rotateLeft(b + f(c, d, a) + in[3], 19);
    a = Integer.rotateLeft(a + f(b, c, d) + in[4], 3);
    d = Integer.rotateLeft(d + f(a, b, c) + in[5], 7);
    c = Integer.rotateLeft(c + f(d, a, b) + in[6], 11);
    b = Integer.rotateLeft(b + f(c, d, a) + in[7], 19);

    a = Integer.rotateLeft(a + g(b, c, d) + in[1] + K2, 3);
    d = Integer.rotateLeft(d + g(a, b, c) + in[3] + K2, 5);
    c = Integer.rotateLeft(c + g(d, a, b) + in[5] + K2, 9);
    b = Integer.rotateLeft(b + g(c, d, a) + in[7] + K2, 13);
    a = Integer.rotateLeft(a + g(b, c, d) + in[0] + K2, 3);
    d = Integer.rotateLeft(d + g(a, b, c) + in[2] + K2, 5);
    c = Integer.rotateLeft(c + g(d, a, b) + in[4] + K2, 9);
    b = Integer.rotateLeft(b + g(c, d, a) + in[6] + K2, 13);

    a = Integer.rotateLeft(a + h(b, c, d) + in[3] + K3, 3);
    d = Integer.rotateLeft(d + h(a, b, c) + in[7] + K3, 9);
    c = Integer.rotateLeft(c + h(d, a, b) + in[2] + K3, 11);
    b = Integer.rotateLeft(b + h(c, d, a) + in[6] + K3, 15);
    a = Integer.rotateLeft(a + h(b, c, d) + in[1] + K3, 3);
    d = Integer.rotateLeft(d + h(a, b, c) + in[5] + K3, 9);
    c = Integer.rotateLeft(c + h(d, a, b) + in[0] + K3, 11);
    b = Integer.rotateLeft(b + h(c, d, a) + in[4] + K3, 15);

    buf[0] += a;
    buf[1] += b;
    buf[2] += c;
    buf[3] += d;
  }
}

package io.cosbuild.verity;

/**
 * Systematic Reed-Solomon encoder over GF(2^8) with field polynomial x^8+x^4+x^3+x^2+1 (0x11d), first
 * consecutive root alpha^0 and primitive element alpha: RS(255, 255 - roots), the code of dm-verity's
 * forward error correction. Parity is the remainder of message(x) * x^roots divided by the generator
 * polynomial prod_{i=0}^{roots-1} (x - alpha^i), highest coefficient first. Immutable and thread-safe.
 */
final class ReedSolomon {

  static final int NN = 255;
  private static final int[] EXP = new int[2 * NN];
  private static final int[] LOG = new int[256];

  static {
    int x = 1;
    for (int i = 0; i < NN; i++) {
      EXP[i] = x;
      LOG[x] = i;
      x <<= 1;
      if ((x & 0x100) != 0) {
        x ^= 0x11d;
      }
    }
    for (int i = NN; i < 2 * NN; i++) {
      EXP[i] = EXP[i - NN];
    }
  }

  private final int roots;
  /** Generator coefficients g[0..roots-1] of x^0..x^(roots-1) (monic, x^roots omitted), as logs; -1 for zero. */
  private final int[] genLog;

  ReedSolomon(int roots) {
    if (roots < 2 || roots > 24) {
      throw new IllegalArgumentException("FEC roots must be 2..24, got " + roots);
    }
    this.roots = roots;
    int[] g = new int[roots + 1];
    g[0] = 1;
    for (int i = 0; i < roots; i++) {
      // g(x) *= (x + alpha^i)
      for (int j = i + 1; j > 0; j--) {
        g[j] = g[j - 1] ^ mul(g[j], EXP[i]);
      }
      g[0] = mul(g[0], EXP[i]);
    }
    genLog = new int[roots];
    for (int j = 0; j < roots; j++) {
      genLog[j] = g[j] == 0 ? -1 : LOG[g[j]];
    }
  }

  private static int mul(int a, int b) {
    return a == 0 || b == 0 ? 0 : EXP[LOG[a] + LOG[b]];
  }

  int roots() {
    return roots;
  }

  /**
   * Parity of the message formed by byte {@code column} of each of {@code rows}, in order, written to
   * {@code parity[off .. off + roots)}, highest-degree coefficient first.
   *
   * @param reg scratch of at least {@code roots} ints
   */
  void encodeColumn(byte[][] rows, int column, byte[] parity, int off, int[] reg) {
    int r = roots;
    for (int j = 0; j < r; j++) {
      reg[j] = 0;
    }
    // reg[0] is the highest-degree remainder coefficient (x^(roots-1)).
    for (byte[] row : rows) {
      int fb = (row[column] & 0xff) ^ reg[0];
      if (fb != 0) {
        int lf = LOG[fb];
        for (int j = 1; j < r; j++) {
          int gl = genLog[r - j];
          reg[j - 1] = reg[j] ^ (gl < 0 ? 0 : EXP[lf + gl]);
        }
        int g0 = genLog[0];
        reg[r - 1] = g0 < 0 ? 0 : EXP[lf + g0];
      } else {
        System.arraycopy(reg, 1, reg, 0, r - 1);
        reg[r - 1] = 0;
      }
    }
    for (int j = 0; j < r; j++) {
      parity[off + j] = (byte) reg[j];
    }
  }
}

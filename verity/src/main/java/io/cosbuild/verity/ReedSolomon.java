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
   * Parity of {@code width} code words at once: code word {@code b} is byte {@code b} of each of
   * {@code rows}, in order; its parity goes to {@code parity[b * roots .. b * roots + roots)}, highest-degree
   * coefficient first. Rows are read in order, each sequentially, and the remainder registers of all code
   * words stay in {@code regs} ({@code roots} arrays of {@code width}), rotated instead of shifted: this
   * keeps the work in cache, unlike walking one code word down the rows at a time.
   */
  void encodeColumns(byte[][] rows, int width, byte[] parity, byte[][] regs) {
    int r = roots;
    for (int j = 0; j < r; j++) {
      java.util.Arrays.fill(regs[j], 0, width, (byte) 0);
    }
    int head = 0; // regs[(head + k) % r] holds remainder coefficient k (k = 0: highest degree)
    byte[][] slot = new byte[r][];
    for (byte[] row : rows) {
      for (int k = 0; k < r; k++) {
        slot[k] = regs[(head + k) % r];
      }
      byte[] top = slot[0];
      for (int b = 0; b < width; b++) {
        int fb = (row[b] ^ top[b]) & 0xff;
        if (fb == 0) {
          top[b] = 0;
          continue;
        }
        int lf = LOG[fb];
        for (int k = 1; k < r; k++) {
          int gl = genLog[r - k];
          if (gl >= 0) {
            slot[k][b] ^= (byte) EXP[lf + gl];
          }
        }
        int g0 = genLog[0];
        top[b] = g0 < 0 ? 0 : (byte) EXP[lf + g0];
      }
      // The old highest coefficient's slot now holds the new lowest one.
      head = (head + 1) % r;
    }
    for (int b = 0; b < width; b++) {
      for (int k = 0; k < r; k++) {
        parity[b * r + k] = regs[(head + k) % r][b];
      }
    }
  }
}

package io.cosbuild.verity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The defining property of the code, checked with arithmetic written here independently of the encoder:
 * every code word (message followed by its parity) is a multiple of the generator, so it vanishes at the
 * generator's roots alpha^0 .. alpha^(roots-1) in GF(2^8) with polynomial 0x11d.
 */
class ReedSolomonTest {

  private static int gfMul(int a, int b) {
    int r = 0;
    while (b != 0) {
      if ((b & 1) != 0) {
        r ^= a;
      }
      a <<= 1;
      if ((a & 0x100) != 0) {
        a ^= 0x11d;
      }
      b >>= 1;
    }
    return r;
  }

  /** c(x) at x, coefficients highest degree first (Horner). */
  private static int eval(int[] c, int x) {
    int y = 0;
    for (int v : c) {
      y = gfMul(y, x) ^ v;
    }
    return y;
  }

  @Test
  void codeWordsVanishAtTheGeneratorRoots() {
    SplittableRandom rnd = new SplittableRandom(3);
    for (int roots : new int[] {2, 3, 7, 24}) {
      ReedSolomon rs = new ReedSolomon(roots);
      int rsn = 255 - roots;
      int width = 37;
      byte[][] rows = new byte[rsn][width];
      for (byte[] row : rows) {
        rnd.nextBytes(row);
      }
      rows[5] = new byte[width]; // zero symbols take the encoder's other branch
      byte[] parity = new byte[width * roots];
      rs.encodeColumns(rows, width, parity, new byte[roots][width]);
      for (int b = 0; b < width; b++) {
        int[] word = new int[255];
        for (int i = 0; i < rsn; i++) {
          word[i] = rows[i][b] & 0xff;
        }
        for (int k = 0; k < roots; k++) {
          word[rsn + k] = parity[b * roots + k] & 0xff;
        }
        int alphaI = 1;
        for (int i = 0; i < roots; i++) {
          assertEquals(0, eval(word, alphaI), "roots " + roots + ", column " + b + ", root alpha^" + i);
          alphaI = gfMul(alphaI, 2);
        }
      }
    }
  }

  @Test
  void refusesRootCountsVeritysetupRefuses() {
    assertThrows(IllegalArgumentException.class, () -> new ReedSolomon(1));
    assertThrows(IllegalArgumentException.class, () -> new ReedSolomon(25));
  }
}

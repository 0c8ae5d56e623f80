package io.cosbuild.rootfs.efi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PeChecksumTest {

  static long sum(byte[] b) {
    PeChecksum c = new PeChecksum();
    c.update(ByteBuffer.wrap(b));
    return c.value();
  }

  @Test
  void addsLittleEndianWordsFoldsTheCarryAndAddsTheLength() {
    assertEquals(0x0201 + 0x0003 + 3, sum(new byte[] {1, 2, 3}), "an odd last byte is the low byte of a word");
    assertEquals(0x0003 + 4, sum(new byte[] {(byte) 0xff, (byte) 0xff, 3, 0}), "0xffff + 3 = 0x10002 folds to 3");
    assertEquals(0, sum(new byte[0]));
    byte[] ones = new byte[200_000];
    Arrays.fill(ones, (byte) 0xff);
    assertEquals(0xffff + 200_000, sum(ones), "folded after every word, 0xffff + 0xffff stays 0xffff");
  }

  @Test
  void piecesOfAnyLengthGiveTheSameSum() {
    byte[] data = new byte[100_003];
    new Random(7).nextBytes(data);
    PeChecksum pieces = new PeChecksum();
    Random cuts = new Random(8);
    for (int at = 0; at < data.length; ) {
      int n = Math.min(data.length - at, 1 + cuts.nextInt(999));
      pieces.update(ByteBuffer.wrap(data, at, n));
      at += n;
    }
    assertEquals(sum(data), pieces.value());
  }
}

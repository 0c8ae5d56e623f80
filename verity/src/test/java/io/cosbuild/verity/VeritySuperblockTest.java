package io.cosbuild.verity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class VeritySuperblockTest {

  private final VeritySuperblock sb = new VeritySuperblock(1, UUID.fromString("11111111-2222-3333-4444-555555555555"),
      VerityHashAlgorithm.SHA256, 4096, 4096, 256, new byte[] {0x00, 0x11, 0x22, 0x33});

  @Test
  void layoutMatchesTheDocumentedOffsets() {
    byte[] b = sb.toBytes();
    assertEquals(512, b.length);
    ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals("verity", new String(b, 0, 6, java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals(1, le.getInt(8));
    assertEquals(1, le.getInt(12));
    assertEquals(0x11, b[16]);
    assertEquals(0x55, b[31]);
    assertEquals("sha256", new String(b, 32, 6, java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals(4096, le.getInt(64));
    assertEquals(4096, le.getInt(68));
    assertEquals(256, le.getLong(72));
    assertEquals(4, le.getShort(80));
    assertArrayEquals(new byte[] {0x00, 0x11, 0x22, 0x33}, Arrays.copyOfRange(b, 88, 92));
    assertTrue(Arrays.equals(new byte[168], Arrays.copyOfRange(b, 344, 512)));
  }

  @Test
  void roundTrips() throws VerityException {
    assertEquals(sb, VeritySuperblock.parse(sb.toBytes(), "test"));
    assertEquals(sb.toParams(4096), VeritySuperblock.parse(sb.toBytes(), "test").toParams(4096));
  }

  @Test
  void refusesWhatIsNoSuperblockOrHostile() {
    byte[] b = sb.toBytes();
    assertThrows(VerityException.class, () -> VeritySuperblock.parse(new byte[100], "short"));
    byte[] sig = b.clone();
    sig[0] = 'X';
    assertThrows(VerityException.class, () -> VeritySuperblock.parse(sig, "signature"));
    byte[] salt = b.clone();
    ByteBuffer.wrap(salt).order(ByteOrder.LITTLE_ENDIAN).putShort(80, (short) 257);
    assertThrows(VerityException.class, () -> VeritySuperblock.parse(salt, "salt size"));
    byte[] bs = b.clone();
    ByteBuffer.wrap(bs).order(ByteOrder.LITTLE_ENDIAN).putInt(64, 4095);
    assertThrows(VerityException.class, () -> VeritySuperblock.parse(bs, "block size"));
    byte[] blocks = b.clone();
    ByteBuffer.wrap(blocks).order(ByteOrder.LITTLE_ENDIAN).putLong(72, Long.MAX_VALUE);
    assertThrows(VerityException.class, () -> VeritySuperblock.parse(blocks, "data blocks"));
    byte[] alg = b.clone();
    alg[32] = 'm';
    assertThrows(VerityException.class, () -> VeritySuperblock.parse(alg, "algorithm"));
  }
}

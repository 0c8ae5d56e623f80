package io.cosbuild.disk.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cosbuild.disk.DiskImageException;
import io.cosbuild.verity.VerityHashAlgorithm;
import io.cosbuild.verity.VerityParams;
import io.cosbuild.verity.VeritySuperblock;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class VerityFactsTest {

  private static byte[] superblock() {
    VerityParams p = VerityParams.of(74, HexFormat.of().parseHex("0011"), UUID.fromString("6b2c0b8e-2f1a-4c1e-9d2b-3a4b5c6d7e8f"))
        .withHashAlgorithm(VerityHashAlgorithm.SHA512).withBlockSizes(4096, 1024);
    return VeritySuperblock.of(p).toBytes();
  }

  @Test
  void reportsTheSuperblockFields() throws Exception {
    assertEquals(new VerityFacts(1, 1, UUID.fromString("6b2c0b8e-2f1a-4c1e-9d2b-3a4b5c6d7e8f"), "sha512", 4096, 1024, 74,
        "0011"), VerityFacts.parse(superblock(), "t"));
    assertEquals(74L * 4096, VerityFacts.parse(superblock(), "t").dataBytes());
  }

  @Test
  void refusesHostileFieldsNamingWhere() {
    byte[] b = superblock();
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(80, (short) 300);
    DiskImageException e = assertThrows(DiskImageException.class, () -> VerityFacts.parse(b, "hash partition at byte 9"));
    assertEquals(true, e.getMessage().contains("hash partition at byte 9"), e.getMessage());
    byte[] c = superblock();
    ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putInt(64, 4095);
    assertThrows(DiskImageException.class, () -> VerityFacts.parse(c, "t"));
    byte[] d = superblock();
    d[0] = 'V';
    assertThrows(DiskImageException.class, () -> VerityFacts.parse(d, "t"));
    byte[] v = superblock();
    ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 2);
    assertThrows(DiskImageException.class, () -> VerityFacts.parse(v, "t"));
  }
}

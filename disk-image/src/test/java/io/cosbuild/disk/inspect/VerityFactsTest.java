package io.cosbuild.disk.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cosbuild.disk.DiskImageException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class VerityFactsTest {
  @Test
  void roundTripsAndRefusesHostileFields() throws Exception {
    VerityFacts f = new VerityFacts(1, 1, UUID.fromString("6b2c0b8e-2f1a-4c1e-9d2b-3a4b5c6d7e8f"), "sha256", 4096,
        4096, 74, "0011");
    byte[] b = f.toBytes();
    assertEquals(f, VerityFacts.parse(b, "t"));
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(80, (short) 300);
    assertThrows(DiskImageException.class, () -> VerityFacts.parse(b, "t"));
    byte[] c = f.toBytes();
    ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putInt(64, 4095);
    assertThrows(DiskImageException.class, () -> VerityFacts.parse(c, "t"));
    byte[] d = f.toBytes();
    d[0] = 'V';
    assertThrows(DiskImageException.class, () -> VerityFacts.parse(d, "t"));
  }
}

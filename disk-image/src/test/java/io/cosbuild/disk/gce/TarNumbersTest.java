package io.cosbuild.disk.gce;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TarNumbersTest {
  @Test
  void octalWhileItFitsThenBase256RoundTrips() {
    byte[] f = new byte[12];
    TarNumbers.put(f, 0, 12, 0644);
    assertEquals("00000000644\0", new String(f, StandardCharsets.US_ASCII));
    long[] values = {0, 1, (1L << 33) - 1, 1L << 33, 20L << 30, Long.MAX_VALUE};
    for (long v : values) {
      TarNumbers.put(f, 0, 12, v);
      assertEquals(v, TarNumbers.get(f, 0, 12), "value " + v);
      assertEquals(v >= 1L << 33, (f[0] & 0xFF) == 0x80, "base-256 exactly when 11 octal digits do not suffice");
    }
  }
}

package io.cosbuild.spec.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ByteSizeTest {
  @Test
  void unitsFollowTheDocumentedRule() {
    assertEquals(512, ByteSize.parse("512"));
    assertEquals(512, ByteSize.parse("512B"));
    assertEquals(4L << 30, ByteSize.parse("4G"));
    assertEquals(4L << 30, ByteSize.parse("4GiB"));
    assertEquals(4_000_000_000L, ByteSize.parse("4GB"));
    assertEquals(128 << 10, ByteSize.parse("128 KiB"));
    assertEquals("128KiB", ByteSize.format(128 << 10));
    assertEquals("1000", ByteSize.format(1000));
    assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("lots"));
    assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("5I"));
    assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("99999999999T"));
  }
}

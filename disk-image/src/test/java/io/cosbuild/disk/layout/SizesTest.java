package io.cosbuild.disk.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.disk.DiskImageException;
import org.junit.jupiter.api.Test;

class SizesTest {
  @Test
  void binaryAndDecimalUnits() throws Exception {
    assertEquals(2L << 30, Sizes.parse("2GiB"));
    assertEquals(512L << 20, Sizes.parse("512M"));
    assertEquals(20L << 30, Sizes.parse("20G"));
    assertEquals(20L << 30, Sizes.parse("20 g"));
    assertEquals(4096, Sizes.parse("4096"));
    assertEquals(4096, Sizes.parse("4096B"));
    assertEquals(1L << 40, Sizes.parse("1TiB"));
    assertEquals(1_000_000_000L, Sizes.parse("1GB"));
    assertEquals(3000, Sizes.parse("3kb"));
  }

  @Test
  void badSizesSayWhatIsWrong() {
    DiskImageException unit = assertThrows(DiskImageException.class, () -> Sizes.parse("3 parsecs"));
    assertTrue(unit.getMessage().contains("unknown unit 'parsecs'"), unit.getMessage());
    assertThrows(DiskImageException.class, () -> Sizes.parse("-1M"));
    assertThrows(DiskImageException.class, () -> Sizes.parse("1.5G"));
    assertThrows(DiskImageException.class, () -> Sizes.parse(""));
    DiskImageException big = assertThrows(DiskImageException.class, () -> Sizes.parse("9000000TiB"));
    assertTrue(big.getMessage().contains("too large"));
    assertThrows(DiskImageException.class, () -> Sizes.parse("99999999999999999999"));
  }

  @Test
  void alignUpRefusesOverflow() throws Exception {
    assertEquals(1 << 20, Sizes.alignUp(1, 1 << 20));
    assertEquals(1 << 20, Sizes.alignUp(1 << 20, 1 << 20));
    assertThrows(DiskImageException.class, () -> Sizes.alignUp(Long.MAX_VALUE - 5, 1 << 20));
  }
}

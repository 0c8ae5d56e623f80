package io.cosbuild.disk.gpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class GuidsTest {
  @Test
  void espTypeGuidHasTheMixedEndianBytesOfTheUefiSpecification() {
    // UEFI spec: EFI_PART_TYPE_EFI_SYSTEM_PART_GUID {0xC12A7328,0xF81F,0x11D2,{0xBA,0x4B,0x00,0xA0,0xC9,0x3E,0xC9,0x3B}}
    byte[] b = new byte[16];
    Guids.write(PartitionType.EFI_SYSTEM.guid(), b, 0);
    assertArrayEquals(HexFormat.of().parseHex("28732ac11ff8d211ba4b00a0c93ec93b"), b);
    assertEquals(PartitionType.EFI_SYSTEM.guid(), Guids.read(b, 0));
  }

  @Test
  void derivedGuidsAreStableVersion8AndDependOnSeedAndName() {
    UUID a = Guids.derive("seed", "ROOT-A");
    assertEquals(a, Guids.derive("seed", "ROOT-A"));
    assertEquals(8, a.version());
    assertEquals(2, a.variant());
    assertNotEquals(a, Guids.derive("seed", "ROOT-B"));
    assertNotEquals(a, Guids.derive("seed2", "ROOT-A"));
    // The separator keeps ("ab","c") and ("a","bc") apart.
    assertNotEquals(Guids.derive("ab", "c"), Guids.derive("a", "bc"));
  }

  @Test
  void rootHashHalvesBecomeTheDataAndHashPartitionUuids() {
    RootHash h = new RootHash("00112233445566778899AABBCCDDEEFF0123456789abcdef0123456789abcdef");
    assertEquals(UUID.fromString("00112233-4455-6677-8899-aabbccddeeff"), h.dataPartitionUuid());
    assertEquals(UUID.fromString("01234567-89ab-cdef-0123-456789abcdef"), h.hashPartitionUuid());
    assertEquals(h, RootHash.fromSha256PartitionUuids(h.dataPartitionUuid(), h.hashPartitionUuid()));
    assertThrows(IllegalArgumentException.class, () -> new RootHash("abc"));
    assertThrows(IllegalArgumentException.class, () -> new RootHash("zz112233445566778899aabbccddeeff"));
  }
}

package io.cosbuild.disk.gpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.disk.DiskImageException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class GptStructuresTest {
  private static final UUID DISK = UUID.fromString("11111111-2222-3333-4444-555555555555");

  @Test
  void entryRoundTripsWithNameAttributesAndMixedEndianGuids() {
    GptAttributes attrs = GptAttributes.NONE.with(GptAttributes.READ_ONLY).withBootSlot(2, 3, true);
    GptPartitionEntry e = new GptPartitionEntry(PartitionType.ROOT_ARM64.guid(), DISK, 2048, 4095, attrs, "ROOT-A");
    byte[] b = e.toBytes();
    assertEquals(128, b.length);
    assertEquals(e, GptPartitionEntry.parse(b, 0));
    ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(2048, le.getLong(32));
    assertEquals('R', le.getShort(56));
    assertEquals(2, attrs.priority());
    assertEquals(3, attrs.triesLeft());
    assertTrue(attrs.successful() && attrs.readOnly());
    assertEquals((1L << 60) | (2L << 48) | (3L << 52) | (1L << 56), attrs.bits());
    assertNull(GptPartitionEntry.parse(new byte[128], 0));
    assertThrows(IllegalArgumentException.class,
        () -> new GptPartitionEntry(PartitionType.VAR.guid(), DISK, 10, 9, attrs, "x"));
    assertThrows(IllegalArgumentException.class,
        () -> new GptPartitionEntry(PartitionType.VAR.guid(), DISK, 10, 19, attrs, "n".repeat(37)));
  }

  @Test
  void headerRoundTripsAndAnyFlippedByteBreaksItsCrc() throws Exception {
    GptTable t = new GptTable(131072, DISK, java.util.List.of());
    GptHeader h = t.primaryHeader();
    byte[] b = h.toBytes();
    assertEquals(h, GptHeader.parse(b, "test"));
    for (int i = 0; i < GptHeader.HEADER_SIZE; i++) {
      byte[] c = b.clone();
      c[i] ^= 0x40;
      int at = i;
      assertThrows(DiskImageException.class, () -> GptHeader.parse(c, "test"), "byte " + at);
    }
  }

  @Test
  void protectiveMbrCoversTheDiskUpTo2TiB() throws Exception {
    assertEquals(131071, ProtectiveMbr.parse(ProtectiveMbr.forDisk(131072).toBytes()).sectorCount());
    assertEquals(0xFFFF_FFFFL, ProtectiveMbr.forDisk(1L << 40).sectorCount());
    byte[] b = ProtectiveMbr.forDisk(100).toBytes();
    assertEquals((byte) 0xEE, b[450]);
    b[510] = 0;
    assertThrows(DiskImageException.class, () -> ProtectiveMbr.parse(b));
  }

  @Test
  void tableRefusesOverlapsAndPartitionsOutsideTheUsableArea() {
    GptAttributes a = GptAttributes.NONE;
    GptPartition p1 = new GptPartition(1, new GptPartitionEntry(PartitionType.VAR.guid(), DISK, 2048, 4095, a, "a"));
    GptPartition p2 = new GptPartition(2, new GptPartitionEntry(PartitionType.VAR.guid(), DISK, 4000, 5000, a, "b"));
    assertThrows(IllegalArgumentException.class, () -> new GptTable(131072, DISK, java.util.List.of(p1, p2)));
    GptPartition p3 = new GptPartition(3, new GptPartitionEntry(PartitionType.VAR.guid(), DISK, 2048, 131040, a, "c"));
    assertThrows(IllegalArgumentException.class, () -> new GptTable(131072, DISK, java.util.List.of(p3)));
    assertEquals(131072 - 34, GptTable.lastUsableLba(131072));
  }
}

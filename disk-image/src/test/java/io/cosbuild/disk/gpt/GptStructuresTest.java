package io.cosbuild.disk.gpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.disk.DiskImageException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
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
    GptTable t = new GptTable(131072, DISK, List.of());
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
    assertThrows(IllegalArgumentException.class, () -> new GptTable(131072, DISK, List.of(p1, p2)));
    GptPartition p3 = new GptPartition(3, new GptPartitionEntry(PartitionType.VAR.guid(), DISK, 2048, 131040, a, "c"));
    assertThrows(IllegalArgumentException.class, () -> new GptTable(131072, DISK, List.of(p3)));
    assertEquals(131072 - 34, GptTable.lastUsableLba(131072));
  }

  @Test
  void entriesAre128BytesTimesAPowerOfTwoInAnArrayOfAtMost4MiB() {
    // UEFI: entry size 128 x 2^n. The array limit is what Linux reads (KMALLOC_MAX_SIZE with 4 KiB pages).
    for (int[] ok : new int[][] {{128, 128}, {256, 256}, {4, 128}, {1, 8192}, {32768, 128}, {512, 8192}}) {
      new GptHeader(1, 2, 3, 4, DISK, 2, ok[0], ok[1], 0);
    }
    for (int[] bad : new int[][] {{128, 0}, {128, 64}, {128, 136}, {128, 192}, {128, 384}, {0, 128}, {-1, 128},
        {32769, 128}, {1 << 24, 256}, {1, 1 << 30}}) {
      assertThrows(IllegalArgumentException.class, () -> new GptHeader(1, 2, 3, 4, DISK, 2, bad[0], bad[1], 0),
          () -> bad[0] + " x " + bad[1]);
    }
  }

  @Test
  void aRefusedTableNamesEveryBreachAndCountsOverlapsPastTwenty() {
    List<GptPartition> parts = new ArrayList<>();
    for (int n = 1; n <= 100; n++) { // 4950 overlapping pairs
      parts.add(new GptPartition(n, new GptPartitionEntry(PartitionType.VAR.guid(), DISK, 2048, 4095,
          GptAttributes.NONE, "p")));
    }
    // 131072 sectors: last usable LBA 131038, backup array 131039..131070, backup header 131071.
    parts.add(new GptPartition(101, new GptPartitionEntry(PartitionType.VAR.guid(), DISK, 131000, 131071,
        GptAttributes.NONE, "q")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new GptTable(131072, DISK, parts));
    List<String> problems = List.of(e.getMessage().split("; "));
    assertEquals("partition 101 (q) at LBA 131000..131071 ends 33 sectors past the last usable LBA 131038, on the "
        + "backup GPT entry array (LBA 131039..131070) and the backup GPT header (LBA 131071)", problems.get(0));
    assertEquals("partitions 1 and 2 overlap at LBA 2048..4095", problems.get(1));
    assertEquals("and 4930 more overlapping pairs of partitions", problems.get(21));
    assertEquals(22, problems.size(), problems.toString());
  }
}

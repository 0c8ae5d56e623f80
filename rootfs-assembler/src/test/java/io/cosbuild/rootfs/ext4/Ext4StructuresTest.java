package io.cosbuild.rootfs.ext4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class Ext4StructuresTest {

  private static final byte[] UUID = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

  @Test
  void superblockRoundTripsAndRejectsCorruption() throws Exception {
    int[] jnl = new int[17];
    jnl[16] = 4096 * 1024;
    Ext4Superblock sb = new Ext4Superblock(8192, (1L << 33) + 5, 0, (1L << 32) + 7, 8000, 32768, 4096, 1_600_000_000L,
        3, 0x3c, 0x2c2, 0x46b, UUID, "STATE", 8, new byte[16], jnl, 4);
    byte[] raw = sb.toBytes();
    Ext4Superblock back = Ext4Superblock.parse(raw);
    assertEquals(sb.blocksCount(), back.blocksCount());
    assertEquals(sb.freeBlocks(), back.freeBlocks());
    assertEquals("STATE", back.label());
    assertEquals(3, back.blockGroupNr());
    assertArrayEquals(jnl, back.journalBlocks());
    assertArrayEquals(raw, back.toBytes());
    raw[0x10] ^= 1;
    assertThrows(Ext4Exception.class, () -> Ext4Superblock.parse(raw));
  }

  @Test
  void groupDescriptorRoundTrips() {
    GroupDescriptor gd = new GroupDescriptor(1L << 33, 5, 7, 70000, 12, 3, 4, 0x12345678, 0x9abcdef0, 99);
    byte[] raw = gd.toBytes(new Ext4Checksum(UUID), 2);
    assertEquals(gd, GroupDescriptor.parse(raw, 0));
  }

  @Test
  void inlineExtentsRoundTrip() throws Exception {
    List<ExtentTree.Extent> ext = List.of(new ExtentTree.Extent(0, 100, 32768), new ExtentTree.Extent(40000, 1L << 40, 1));
    ExtentTree.Built b = ExtentTree.build(ext, () -> {
      throw new AssertionError("no tree block needed");
    }, new Ext4Checksum(UUID), 12);
    assertEquals(ext, ExtentTree.parseInline(b.iBlock()));
  }

  @Test
  void deepExtentTreesUseBlocks() {
    List<ExtentTree.Extent> ext = new java.util.ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      ext.add(new ExtentTree.Extent(2L * i, 1000 + 2L * i, 1));
    }
    long[] next = {50};
    ExtentTree.Built b = ExtentTree.build(ext, () -> next[0]++, new Ext4Checksum(UUID), 12);
    // ceil(2000 / 340) = 6 leaf blocks do not fit the inode's 4 slots: one index block above them.
    assertEquals(7, b.blocks().size());
    assertEquals(2, b.iBlock()[6]); // eh_depth of the in-inode root
    assertEquals(1, b.iBlock()[2]); // one entry: the index block
  }

  @Test
  void journalSuperblockRoundTrips() throws Exception {
    JournalSuperblock j = new JournalSuperblock(4096, UUID);
    assertEquals(4096, JournalSuperblock.parse(j.toBytes()).blocks());
    assertThrows(IllegalArgumentException.class, () -> new JournalSuperblock(10, UUID));
  }

  @Test
  void directoryNamesAreLimitedTo255Bytes() {
    assertThrows(IllegalArgumentException.class, () -> new DirectoryBlock.Entry(new byte[256], 12, 1));
  }
}

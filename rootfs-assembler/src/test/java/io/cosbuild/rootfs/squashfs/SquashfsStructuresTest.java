package io.cosbuild.rootfs.squashfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Byte layouts of the on-disk structures, against the offsets the kernel's squashfs_fs.h gives. */
class SquashfsStructuresTest {

  private static ByteBuffer le(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
  }

  @Test
  void superblockRoundTripsAndPlacesFields() throws Exception {
    SquashfsSuperblock sb = new SquashfsSuperblock(10, 1234, 131072, 3, 6, 0x2c0, 2, 0x1234_0010L, 99_999,
        500, -1, 100, 200, 300, 400);
    byte[] b = sb.toBytes();
    assertEquals(96, b.length);
    ByteBuffer x = le(b);
    assertEquals(0x73717368, x.getInt(0));
    assertEquals(17, x.getShort(22), "block log");
    assertEquals(4, x.getShort(28), "major version");
    assertEquals(0x1234_0010L, x.getLong(32), "root inode");
    assertEquals(-1L, x.getLong(56), "no xattr table");
    assertEquals(sb, SquashfsSuperblock.parse(b));
  }

  @Test
  void superblockParseRefusesGarbage() {
    byte[] b = new byte[96];
    assertThrows(SquashfsException.class, () -> SquashfsSuperblock.parse(b));
    byte[] good = new SquashfsSuperblock(1, 0, 4096, 0, 1, 0, 1, 0, 0, 0, -1, 0, 0, 0, -1).toBytes();
    le(good).putShort(22, (short) 13); // block log disagrees with block size
    assertThrows(SquashfsException.class, () -> SquashfsSuperblock.parse(good));
    assertThrows(SquashfsException.class, () -> SquashfsSuperblock.parse(new byte[10]));
  }

  @Test
  void metadataBlocksHaveHeadersAndReferencesCountCompressedBytes() throws Exception {
    MetadataWriter w = new MetadataWriter(Compressor.create(Compression.GZIP, 9, 131072));
    w.write(new byte[5000]);
    assertEquals(5000, w.reference());
    w.write(new byte[5000]);
    long ref = w.reference();
    assertEquals(10000 - 8192, ref & 0xffff, "offset in the second block");
    byte[] t = w.finish();
    int h = le(t).getShort(0) & 0xffff;
    assertTrue((h & 0x8000) == 0 && h < 8192, "zeros compress; header holds the stored length");
    assertEquals(2 + h, ref >>> 16, "second block starts after the first's header and bytes");
  }

  @Test
  void incompressibleMetadataIsStoredWithTheUncompressedBit() throws Exception {
    MetadataWriter w = new MetadataWriter(Compressor.create(Compression.ZSTD, 15, 131072));
    byte[] r = new byte[100];
    new java.util.Random(1).nextBytes(r);
    w.write(r);
    byte[] t = w.finish();
    assertEquals(0x8000 | 100, le(t).getShort(0) & 0xffff);
    assertEquals(102, t.length);
  }

  @Test
  void regularInodeLayout() {
    InodeHeader h = new InodeHeader(2, 0644, 1, 2, 1000, 7);
    byte[] b = new RegularInode(h, 96, 0xffffffffL, 0, 300_000, new int[] {5, 6 | (1 << 24)}).toBytes();
    ByteBuffer x = le(b);
    assertEquals(40, b.length);
    assertEquals(2, x.getShort(0));
    assertEquals(0644, x.getShort(2));
    assertEquals(7, x.getInt(12));
    assertEquals(96, x.getInt(16));
    assertEquals(-1, x.getInt(20));
    assertEquals(300_000, x.getInt(28));
    assertEquals(6 | (1 << 24), x.getInt(36));
  }

  @Test
  void extendedDirectoryWithIndexLayout() {
    InodeHeader h = new InodeHeader(8, 0755, 0, 0, 0, 1);
    DirectoryIndexEntry e = new DirectoryIndexEntry(8190, 4000, "abc".getBytes());
    byte[] b = new ExtendedDirectoryInode(h, 2, 70_000, 12, 2, 100, 0xffffffffL, List.of(e)).toBytes();
    ByteBuffer x = le(b);
    assertEquals(40 + 12 + 3, b.length);
    assertEquals(70_000, x.getInt(20));
    assertEquals(1, x.getShort(32), "index count");
    assertEquals(100, x.getShort(34), "block offset");
    assertEquals(8190, x.getInt(40));
    assertEquals(4000, x.getInt(44));
    assertEquals(2, x.getInt(48), "name length - 1");
  }

  @Test
  void headersAreRejectedWhenFieldsDoNotFit() {
    assertThrows(IllegalArgumentException.class, () -> new InodeHeader(2, 0644, 0, 0, 1L << 32, 1));
    assertThrows(IllegalArgumentException.class, () -> new InodeHeader(2, 0644, 0, 0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new InodeHeader(15, 0644, 0, 0, 0, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new DirectoryInode(new InodeHeader(1, 0755, 0, 0, 0, 1), 0, 2, 70_000, 0, 2));
  }

  @Test
  void largeDirectoryListingGetsIndexEntriesAtBlockCrossings() throws Exception {
    DirectoryTable t = new DirectoryTable(Compressor.create(Compression.GZIP, 9, 131072));
    List<DirectoryEntry> entries = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      entries.add(new DirectoryEntry(String.format("name-%05d", i), 0, 2 + i, 2));
    }
    DirectoryTable.Listing l = t.write(entries);
    long bytes = l.size();
    assertTrue(bytes > 3 * 8192);
    assertEquals(bytes / 8192, l.index().size(), "one index entry per crossed metadata block");
    long last = -1;
    for (DirectoryIndexEntry e : l.index()) {
      assertTrue(e.index() > last && e.index() % 8192 < 12 + 18, "header right after a block boundary: " + e);
      last = e.index();
    }
  }

  @Test
  void runsBreakAt256EntriesAndDistantInodeNumbers() throws Exception {
    DirectoryTable t = new DirectoryTable(Compressor.create(Compression.GZIP, 9, 131072));
    List<DirectoryEntry> entries = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      entries.add(new DirectoryEntry("f" + (1000 + i), 0, i == 299 ? 100_000 : 2 + i, 2));
    }
    DirectoryTable.Listing l = t.write(entries);
    // 3 headers (256 + 43 + 1 entries), each entry 8 bytes + 5-byte name.
    assertEquals(3 * 12 + 300 * 13, l.size());
  }

  @Test
  void compressorsRefuseLevelsOutsideTheirRange() {
    assertThrows(IllegalArgumentException.class, () -> Compressor.create(Compression.GZIP, 10, 131072));
    assertThrows(IllegalArgumentException.class, () -> Compressor.create(Compression.ZSTD, 0, 131072));
    assertArrayEquals(new byte[] {1, 0, 0, 0, 0, 0, 0, 0}, Compressor.create(Compression.LZ4, 0, 131072).options());
  }

  /**
   * The xz options block as mksquashfs's xz_dump_options writes it: dictionary size, then one bit per filter in
   * its -Xbcj order; none without filters. Data blocks keep the filtered stream when it is smaller, metadata
   * blocks are never filtered (mksquashfs gives its metadata stream no filters).
   */
  @Test
  void xzRecordsItsFiltersAsMksquashfsAndFiltersDataBlocksOnly() throws Exception {
    assertEquals(null, Compressor.create(Compression.XZ, 6, 131072).options());
    assertArrayEquals(new byte[] {0, 0, 2, 0, 9, 0, 0, 0},
        Compressor.create(Compression.XZ, 6, 131072, EnumSet.of(XzFilter.ARM, XzFilter.X86)).options());
    assertArrayEquals(new byte[] {0, 0, 1, 0, 0x40, 0, 0, 0},
        Compressor.create(Compression.XZ, 6, 65536, EnumSet.of(XzFilter.ARM64)).options());
    assertArrayEquals(new byte[] {0, 0x20, 0, 0, 1, 0, 0, 0}, // 8 KiB: the dictionary the streams declare
        Compressor.create(Compression.XZ, 6, 4096, EnumSet.of(XzFilter.X86)).options());
    assertThrows(IllegalArgumentException.class, () -> Compressor.create(Compression.ZSTD, 15, 131072, EnumSet.of(XzFilter.X86)));
    assertThrows(IllegalArgumentException.class, () -> XzFilter.parseList("x86,mips"));
    assertThrows(IllegalArgumentException.class, () -> XzFilter.parse("ia64"));
    assertEquals(EnumSet.of(XzFilter.X86, XzFilter.ARM64), XzFilter.parseList("arm64,x86"));

    assumeTrue(System.getProperty("os.arch").equals("amd64"), "SKIPPED: needs x86 machine code, this host's own");
    byte[] code = Files.readAllBytes(Path.of(System.getProperty("java.home"), "lib", "libjava.so"));
    int len = Math.min(code.length, 131072);
    Compressor xz = Compressor.create(Compression.XZ, 6, 131072, EnumSet.of(XzFilter.X86));
    byte[] data = xz.compress(code, 0, len);
    byte[] metadata = xz.compressMetadata(code, 0, len);
    byte[] plain = Compressor.create(Compression.XZ, 6, 131072).compress(code, 0, len);
    // Byte 13 is the first block header's flags: the number of filters minus one in its low two bits.
    assertEquals(1, data[13] & 3, "x86 code: BCJ + LZMA2");
    assertTrue(data.length < plain.length, data.length + " against " + plain.length);
    assertEquals(0, metadata[13] & 3, "metadata: LZMA2 alone");
    assertArrayEquals(plain, metadata);
  }
}

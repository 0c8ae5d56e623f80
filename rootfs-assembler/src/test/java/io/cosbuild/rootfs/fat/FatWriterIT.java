package io.cosbuild.rootfs.fat;

import static io.cosbuild.rootfs.fat.FatJudges.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.rootfs.testutil.FsJudges.Out;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks written images with the reference tools: fsck.fat judges consistency, mtools lists, reads and describes
 * what the image holds, and mkfs.fat shows what the boot sector, FSInfo and FATs of an empty filesystem of the
 * same size should be. Expected values come from the source tree and the options.
 */
class FatWriterIT {

  private static final long MIB = 1 << 20;
  private static final long MTIME = 1_700_000_001L;
  private static final FatOptions OPTIONS = new FatOptions(0x1234ABCD, "EFI SYSTEM", MTIME, 0);

  @TempDir Path tmp;

  /** Writes into a new file of {@code fileSize} zero bytes (sparse). */
  private FatResult write(FsTree tree, Path img, long fileSize, long offset, long size, FatOptions o)
      throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
      f.setLength(fileSize);
    }
    try (FileChannel ch = FileChannel.open(img, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
      return FatWriter.write(tree, ch, offset, size, o);
    }
  }

  @Test
  void imageOfAWholeFileIsCleanAndHoldsTheTree() throws Exception {
    FsTree tree = EspTrees.esp(tmp.resolve("src"));
    Path img = tmp.resolve("esp.img");
    FatResult r = write(tree, img, 64 * MIB, 0, 64 * MIB, OPTIONS);
    assertEquals(64 * MIB, Files.size(img));

    FatJudges.assertFsckClean(img, tree, r);
    FatJudges.assertMdirListsTree(img.toString(), tree);
    FatJudges.assertMcopyGivesContents(img.toString(), tree, tmp);
    assertMinfoAgrees(img.toString(), r, OPTIONS, 64 * MIB);
    assertEquals(512, r.bytesPerCluster(), "Microsoft's table: 1 sector per cluster up to 260 MiB");
  }

  @Test
  void imageInsideADiskIsCleanAndLeavesTheRestAlone() throws Exception {
    FsTree tree = EspTrees.esp(tmp.resolve("src"));
    Path disk = tmp.resolve("disk.img");
    long offset = MIB;
    long size = 64 * MIB;
    try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
      f.setLength(offset + size + MIB);
      f.write(filled(MIB, 0xA5));
      f.seek(offset + size);
      f.write(filled(MIB, 0x5A));
    }
    FatOptions o = new FatOptions(OPTIONS.volumeId(), OPTIONS.label(), MTIME, offset / 512);
    FatResult r;
    try (FileChannel ch = FileChannel.open(disk, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
      r = FatWriter.write(tree, ch, offset, size, o);
    }
    byte[] all = Files.readAllBytes(disk);
    assertArrayEquals(filled(MIB, 0xA5), Arrays.copyOfRange(all, 0, (int) MIB), "bytes before the partition");
    assertArrayEquals(filled(MIB, 0x5A), Arrays.copyOfRange(all, (int) (offset + size), all.length),
        "bytes after the partition");

    String image = disk + "@@" + offset;
    FatJudges.assertMdirListsTree(image, tree);
    FatJudges.assertMcopyGivesContents(image, tree, tmp);
    assertMinfoAgrees(image, r, o, size);
    Path partition = tmp.resolve("partition.img");
    Files.write(partition, Arrays.copyOfRange(all, (int) offset, (int) (offset + size)));
    FatJudges.assertFsckClean(partition, tree, r);
  }

  /** Clusters of 8 sectors: file tails and directories within a cluster, and the FAT aligned to clusters. */
  @Test
  void imageWithLargerClustersIsCleanAndHoldsTheTree() throws Exception {
    FsTree tree = EspTrees.esp(tmp.resolve("src"));
    Path img = tmp.resolve("esp300.img");
    FatResult r = write(tree, img, 300 * MIB, 0, 300 * MIB, OPTIONS);
    assertEquals(4096, r.bytesPerCluster(), "Microsoft's table: 8 sectors per cluster from 260 MiB to 8 GiB");
    FatJudges.assertFsckClean(img, tree, r);
    FatJudges.assertMdirListsTree(img.toString(), tree);
    FatJudges.assertMcopyGivesContents(img.toString(), tree, tmp);
    assertMinfoAgrees(img.toString(), r, OPTIONS, 300 * MIB);
  }

  /** The same bytes again, and from the same paths added in another order with other modes, owners and mtimes. */
  @Test
  void sameTreeGivesTheSameBytes() throws Exception {
    Path src = tmp.resolve("src");
    Path a = tmp.resolve("a.img");
    Path b = tmp.resolve("b.img");
    Path c = tmp.resolve("c.img");
    write(EspTrees.esp(src), a, 64 * MIB, 0, 64 * MIB, OPTIONS);
    write(EspTrees.esp(src), b, 64 * MIB, 0, 64 * MIB, OPTIONS);
    write(EspTrees.build(src, EspTrees.espLayout(), true), c, 64 * MIB, 0, 64 * MIB, OPTIONS);
    assertEquals(-1L, Files.mismatch(a, b));
    assertEquals(-1L, Files.mismatch(a, c));
  }

  /**
   * mdir shows the stored date and time as they are: the mtime in UTC, clamped to what FAT can hold (the epoch
   * and 1979-12-31 23:59:59 become 1980-01-01 00:00, 2^40 seconds becomes 2107-12-31 23:59).
   */
  @ParameterizedTest
  @ValueSource(longs = {MTIME, 0, 315_532_799L, 1L << 40})
  void everyEntryHasTheMtimeInUtcClampedToFat(long mtime) throws Exception {
    FsTree tree = EspTrees.esp(tmp.resolve("src"));
    Path img = tmp.resolve("t.img");
    write(tree, img, 64 * MIB, 0, 64 * MIB, new FatOptions(1, "T", mtime, 0));
    LocalDateTime first = LocalDateTime.of(1980, 1, 1, 0, 0, 0);
    LocalDateTime last = LocalDateTime.of(2107, 12, 31, 23, 59, 58);
    LocalDateTime t = LocalDateTime.ofEpochSecond(Math.min(mtime, last.toEpochSecond(ZoneOffset.UTC)), 0,
        ZoneOffset.UTC);
    String shown = (t.isBefore(first) ? first : t).format(DateTimeFormatter.ofPattern("yyyy-MM-dd  ppH:mm"));
    for (Map.Entry<FsPath, FsNode> e : tree.entries().entrySet()) {
      if (e.getValue() instanceof FsNode.Directory) {
        Out mdir = run("mdir", "-a", "-i", img.toString(), "::" + e.getKey());
        assertEquals(0, mdir.code(), mdir.text());
        long entries = mdir.text().lines().filter(l -> l.contains(shown)).count();
        // mdir lists "." and ".." of subdirectories too
        assertEquals(tree.children(e.getKey()).size() + (e.getKey().isRoot() ? 0 : 2), entries, mdir.text());
      }
    }
  }

  /**
   * An empty tree's filesystem against mkfs.fat's for the same size, label, ID and hidden sectors (and the CHS
   * geometry this writer fixes): the reserved sectors are equal but for the OEM name and boot code, and the FATs
   * are equal but for the root directory's end-of-chain mark (0x0FFFFFFF here, 0x0FFFFFF8 from mkfs.fat; both
   * end a chain). mkfs.fat picks the cluster size itself.
   */
  @ParameterizedTest
  @ValueSource(longs = {64 * MIB, 260 * MIB, 300 * MIB, 9L << 30, 17L << 30})
  void emptyFilesystemMatchesMkfsFat(long size) throws Exception {
    FsTree empty = new FsTreeBuilder(EspTrees.DIR).build();
    FatOptions o = new FatOptions(0x0BADCAFE, "EMPTY", MTIME, 2048);
    Path ours = tmp.resolve("ours.img");
    FatResult r = write(empty, ours, size, 0, size, o);
    Path ref = tmp.resolve("mkfs.img");
    try (RandomAccessFile f = new RandomAccessFile(ref.toFile(), "rw")) {
      f.setLength(size);
    }
    Out mkfs = run("mkfs.fat", "-F", "32", "-S", "512", "-R", "32", "-f", "2", "-g", "64/32",
        "-h", Long.toString(o.hiddenSectors()), "-i", Integer.toHexString(o.volumeId()), "-n", o.label(),
        ref.toString());
    assertEquals(0, mkfs.code(), mkfs.text());

    byte[] reservedOurs = read(ours, 0, 32 * 512);
    byte[] reservedRef = read(ref, 0, 32 * 512);
    for (int bootSector : new int[] {0, 6 * 512}) {
      for (byte[] b : new byte[][] {reservedOurs, reservedRef}) {
        Arrays.fill(b, bootSector + 3, bootSector + 11, (byte) 0); // OEM name
        Arrays.fill(b, bootSector + 90, bootSector + 510, (byte) 0); // boot code
      }
    }
    assertArrayEquals(reservedRef, reservedOurs, "reserved sectors");

    int fatBytes = Math.toIntExact(r.fatSectors() * 512);
    for (int copy = 0; copy < 2; copy++) {
      ByteBuffer fatOurs = ByteBuffer.wrap(read(ours, 32 * 512L + copy * fatBytes, fatBytes));
      ByteBuffer fatRef = ByteBuffer.wrap(read(ref, 32 * 512L + copy * fatBytes, fatBytes));
      assertEquals(0x0FFFFFFF, fatOurs.order(ByteOrder.LITTLE_ENDIAN).getInt(8));
      assertEquals(0x0FFFFFF8, fatRef.order(ByteOrder.LITTLE_ENDIAN).getInt(8));
      fatOurs.putInt(8, 0);
      fatRef.putInt(8, 0);
      assertEquals(fatRef, fatOurs, "FAT " + (copy + 1));
    }
    FatJudges.assertFsckClean(ours, empty, r);
  }

  private void assertMinfoAgrees(String image, FatResult r, FatOptions o, long size) throws Exception {
    Map<String, String> minfo = FatJudges.minfo(image);
    assertEquals("\"FAT32   \"", minfo.get("disk type"), minfo.toString());
    assertEquals(r.bytesPerCluster() / 512 + " sectors", minfo.get("cluster size"));
    assertEquals("\"" + o.paddedLabel() + "\"", minfo.get("disk label"));
    assertEquals(String.format("%08X", o.volumeId()), minfo.get("serial number").toUpperCase());
    assertEquals(Long.toString(o.hiddenSectors()), minfo.get("hidden sectors"));
    assertEquals(size / 512 + " sectors", minfo.get("big size"));
    assertEquals(Long.toString(r.fatSectors()), minfo.get("Big fatlen"));
    assertEquals(Long.toString(r.freeClusters()), minfo.get("free clusters"));
    assertEquals("2", minfo.get("rootCluster"));
    assertEquals("1", minfo.get("infoSector location"));
    assertEquals("6", minfo.get("backup boot sector"));
    assertEquals("0xf8", minfo.get("media descriptor byte"));
    assertEquals("0x80", minfo.get("physical drive id"));
    assertEquals("0x29", minfo.get("dos4"));
    Out mdir = run("mdir", "-i", image, "::");
    assertTrue(mdir.text().contains("Volume in drive : is " + o.label()), mdir.text());
  }

  private static byte[] read(Path f, long at, int length) throws Exception {
    try (FileChannel ch = FileChannel.open(f)) {
      ByteBuffer b = ByteBuffer.allocate(length);
      while (b.hasRemaining()) {
        assertTrue(ch.read(b, at + b.position()) >= 0, f + " ends before byte " + (at + length));
      }
      return b.array();
    }
  }

  private static byte[] filled(long n, int value) {
    byte[] b = new byte[(int) n];
    Arrays.fill(b, (byte) value);
    return b;
  }
}

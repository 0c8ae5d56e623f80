package io.cosbuild.disk.gpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GptReaderTest {
  @TempDir
  Path dir;

  private static final long SECTORS = 65536;

  private FileChannel disk() throws Exception {
    FileChannel ch = FileChannel.open(dir.resolve("d.raw"), StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    GptPartitionEntry e = new GptPartitionEntry(PartitionType.ROOT_X86_64.guid(), Guids.derive("s", "ROOT-A"),
        2048, 10239, GptAttributes.NONE, "ROOT-A");
    GptWriter.write(new GptTable(SECTORS, Guids.derive("s", "disk"), List.of(new GptPartition(2, e))), ch);
    return ch;
  }

  @Test
  void aFreshTableReadsBackWithoutProblems() throws Exception {
    try (FileChannel ch = disk()) {
      GptReader.Result r = GptReader.read(ch);
      assertTrue(r.ok(), r.problems().toString());
      assertEquals(1, r.partitions().size());
      assertEquals(2, r.partitions().get(0).number());
      assertEquals("ROOT-A", r.partitions().get(0).entry().name());
      assertEquals(Guids.derive("s", "disk"), r.diskGuid().orElseThrow());
    }
  }

  @Test
  void everyCorruptedGptByteIsReported() throws Exception {
    // Primary header fields, primary entry 2, backup entry 2, backup header fields.
    long last = (SECTORS - 1) * 512;
    long backupEntries = (SECTORS - 33) * 512;
    long[] offsets = {512 + 0, 512 + 24, 512 + 40, 512 + 60, 512 + 88, 1024 + 128 + 33, 1024 + 128 + 60,
        backupEntries + 128 + 20, last + 8, last + 32, last + 72};
    for (long off : offsets) {
      try (FileChannel ch = disk()) {
        ByteBuffer b = ByteBuffer.allocate(1);
        ch.read(b, off);
        b.put(0, (byte) (b.get(0) ^ 0x10)).rewind();
        ch.write(b, off);
        GptReader.Result r = GptReader.read(ch);
        assertTrue(!r.ok(), "flipping byte " + off + " went unnoticed");
        // The intact copy still yields the partition.
        assertEquals(1, r.partitions().size(), "byte " + off + ": " + r.problems());
      }
    }
  }

  @Test
  void junkAndTinyFilesGiveProblemsNotExceptions() throws Exception {
    byte[] junk = new byte[1 << 20];
    new java.util.Random(1).nextBytes(junk);
    for (byte[] content : new byte[][] {junk, new byte[1000], new byte[0]}) {
      Path f = dir.resolve("junk");
      java.nio.file.Files.write(f, content);
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
        GptReader.Result r = GptReader.read(ch);
        assertTrue(!r.ok() && r.partitions().isEmpty(), r.problems().toString());
      }
    }
  }

  @Test
  void aBackupThatDisagreesIsNamed() throws Exception {
    try (FileChannel ch = disk()) {
      // Rewrite a consistent backup with another disk GUID.
      GptTable other = new GptTable(SECTORS, UUID.fromString("00000000-0000-4000-8000-000000000001"), List.of());
      ch.write(ByteBuffer.wrap(other.entryArray()), (SECTORS - 33) * 512);
      ch.write(ByteBuffer.wrap(other.backupHeader().toBytes()), (SECTORS - 1) * 512);
      GptReader.Result r = GptReader.read(ch);
      assertTrue(r.problems().stream().anyMatch(p -> p.startsWith("backup GPT disk GUID")), r.problems().toString());
      assertTrue(r.problems().stream().anyMatch(p -> p.equals("backup GPT entry 2 differs from the primary entry")),
          r.problems().toString());
    }
  }

  /** A GPT of {@code count} entries of {@code size} bytes, built by hand: GptTable writes only 128 x 128. */
  private FileChannel rawGpt(int count, int size, int number, GptPartitionEntry e) throws Exception {
    FileChannel ch = FileChannel.open(dir.resolve("raw.raw"), StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    byte[] entries = new byte[count * size];
    System.arraycopy(e.toBytes(), 0, entries, (number - 1) * size, GptPartitionEntry.SIZE);
    int crc = GptHeader.crc32(entries, 0, entries.length);
    long arraySectors = entries.length / 512;
    UUID guid = Guids.derive("s", "raw");
    ByteBuffer primary = ByteBuffer.wrap(new GptHeader(1, SECTORS - 1, 2 + arraySectors, SECTORS - 2 - arraySectors,
        guid, 2, count, size, crc).toBytes());
    ByteBuffer backup = ByteBuffer.wrap(new GptHeader(SECTORS - 1, 1, 2 + arraySectors, SECTORS - 2 - arraySectors,
        guid, SECTORS - 1 - arraySectors, count, size, crc).toBytes());
    ch.write(ByteBuffer.wrap(ProtectiveMbr.forDisk(SECTORS).toBytes()), 0);
    ch.write(primary, 512);
    ch.write(ByteBuffer.wrap(entries), 2 * 512);
    ch.write(ByteBuffer.wrap(entries), (SECTORS - 1 - arraySectors) * 512);
    ch.write(backup, (SECTORS - 1) * 512);
    return ch;
  }

  @Test
  void aTableOf256EntriesOf256BytesReadsAsItsHeaderSays() throws Exception {
    // 64 KiB of entries: 128 sectors each side, first usable LBA 130.
    GptPartitionEntry e = new GptPartitionEntry(PartitionType.VAR.guid(), Guids.derive("s", "VAR"), 130, 10239,
        GptAttributes.NONE, "VAR");
    try (FileChannel ch = rawGpt(256, 256, 200, e)) {
      GptReader.Result r = GptReader.read(ch);
      assertTrue(r.ok(), r.problems().toString());
      assertEquals(List.of(new GptPartition(200, e)), r.partitions());
    }
  }

  @Test
  void headersWithImpossibleEntryShapesAreNamed() throws Exception {
    GptPartitionEntry e = new GptPartitionEntry(PartitionType.VAR.guid(), Guids.derive("s", "VAR"), 2048, 10239,
        GptAttributes.NONE, "VAR");
    try (FileChannel ch = rawGpt(128, 128, 1, e)) {
      // Entry size 192 (a multiple of 8, not 128 x 2^n), then 2^24 entries (a 2 GiB array), each CRC made right.
      for (int[] shape : new int[][] {{128, 192}, {1 << 24, 128}}) {
        ByteBuffer h = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        ch.read(h, 512);
        h.putInt(80, shape[0]).putInt(84, shape[1]).putInt(16, 0);
        h.putInt(16, GptHeader.crc32(h.array(), 0, GptHeader.HEADER_SIZE));
        ch.write(h.rewind(), 512);
        GptReader.Result r = GptReader.read(ch);
        String expected = shape[1] == 192 ? "primary GPT header at LBA 1: entry size 192 is not 128 x 2^n bytes"
            : "primary GPT header at LBA 1: entry array of 16777216 x 128 bytes is larger than 4 MiB";
        assertTrue(r.problems().contains(expected), r.problems().toString());
        assertEquals(1, r.partitions().size(), "the backup copy still serves");
      }
    }
  }
}

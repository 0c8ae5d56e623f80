package io.cosbuild.disk.gpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
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
}

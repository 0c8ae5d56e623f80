package io.cosbuild.rootfs.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostHolesTest {

  private static final long MIB = 1 << 20;

  @TempDir Path tmp;

  /** 9 MiB: data in the first 4 KiB, in one block at 4 MiB and at the very end; holes between. */
  static Path sparseFile(Path file) throws Exception {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 0);
      ch.write(ByteBuffer.wrap(new byte[] {4, 5, 6}), 4 * MIB + 10);
      ch.write(ByteBuffer.wrap(new byte[] {7}), 9 * MIB - 1);
    }
    return file;
  }

  @Test
  void holesAreFoundAndDataIsNot() throws Exception {
    Path f = sparseFile(tmp.resolve("sparse"));
    HostHoles h = HostHoles.of(f, Files.size(f));
    // ext4, xfs, btrfs and tmpfs all answer SEEK_HOLE; CI's temporary directory is on one of them.
    assertTrue(h.holeBytes() >= 8 * MIB - 3 * 4096 - 1, "holes found: " + h.holeBytes());
    assertFalse(h.isHole(0, 1));
    assertTrue(h.isHole(1 * MIB, 3 * MIB));
    assertFalse(h.isHole(3 * MIB, 2 * MIB), "a range that reaches into data");
    assertFalse(h.isHole(4 * MIB, 4096));
    assertTrue(h.isHole(5 * MIB, 3 * MIB));
    assertFalse(h.isHole(8 * MIB, MIB));
    assertFalse(h.isHole(9 * MIB - 1, 1));
  }

  @Test
  void onlyTheGivenSizeCounts() throws Exception {
    Path f = sparseFile(tmp.resolve("sparse"));
    // As if the file had 6 MiB: the hole after 4 MiB ends there.
    HostHoles h = HostHoles.of(f, 6 * MIB);
    assertTrue(h.isHole(5 * MIB, MIB));
    assertFalse(h.isHole(5 * MIB, MIB + 1));
  }

  @Test
  void smallMissingAndDenseFilesHaveNone() throws Exception {
    Path small = Files.write(tmp.resolve("small"), new byte[4096]);
    assertSame(HostHoles.NONE, HostHoles.of(small, 4096));
    assertSame(HostHoles.NONE, HostHoles.of(tmp.resolve("missing"), 2 * MIB));
    Path dense = Files.write(tmp.resolve("dense"), new byte[(int) (2 * MIB)]);
    HostHoles h = HostHoles.of(dense, 2 * MIB);
    assertEquals(0, h.holeBytes());
    assertFalse(h.isHole(0, 4096));
    assertFalse(HostHoles.NONE.isHole(0, 1));
  }
}

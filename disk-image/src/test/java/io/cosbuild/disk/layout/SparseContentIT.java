package io.cosbuild.disk.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.disk.Fixtures;
import io.cosbuild.disk.Tools;
import io.cosbuild.disk.gpt.Architecture;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partition file with holes (an empty STATE filesystem is mostly holes) is copied extent by extent: the
 * disk holds its bytes exactly, as cmp sees them, and its holes stay unallocated.
 */
class SparseContentIT {

  @TempDir Path dir;

  @Test
  void aSparseContentFileIsCopiedByteForByteWithoutItsHoles() throws Exception {
    Fixtures.Images img = Fixtures.make(dir);
    // 8 MiB like the fixture's STATE, data at unaligned places: across a 4 KiB boundary, a lone byte in the
    // middle of a hole, the last byte; zeros written explicitly (data to lseek, a hole to the disk).
    Path state = dir.resolve("sparse-state.img");
    long size = 8 << 20;
    Random random = new Random(42);
    try (FileChannel ch = FileChannel.open(state, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (long[] at : new long[][] {{1000, 5000}, {(3 << 20) + 123, 1}, {5 << 20, 64 << 10}, {size - 1, 1}}) {
        byte[] b = new byte[(int) at[1]];
        random.nextBytes(b);
        ch.write(ByteBuffer.wrap(b), at[0]);
      }
      ch.write(ByteBuffer.allocate(1 << 20), 6 << 20);
    }
    assertEquals(size, Files.size(state));
    List<long[]> extents = DataExtents.of(state, size);
    long extentBytes = extents.stream().mapToLong(e -> e[1]).sum();
    assertTrue(extentBytes < size / 2, "the holes are found: " + extentBytes + " of " + size + " bytes are data");

    Fixtures.Images sparse = new Fixtures.Images(img.root(), img.verity(), img.rootHash(), img.oem(), state);
    WrittenDisk w = DiskImageWriter.write(DiskLayout.plan(Fixtures.request(Architecture.X86_64, 64L << 20, sparse, true)),
        dir.resolve("disk.raw"));
    PlannedPartition p = w.layout().partitions().stream().filter(x -> x.role() == PartitionRole.STATE).findFirst()
        .orElseThrow();
    // cmp: the partition's first 8 MiB in the disk against the file, and the partition's rest is zeros.
    Tools.run("cmp", "-n", Long.toString(size), "-i", p.offsetBytes() + ":0", w.path().toString(), state.toString());
    Tools.run("cmp", "-n", Long.toString(p.sizeBytes() - size), "-i", (p.offsetBytes() + size) + ":0",
        w.path().toString(), "/dev/zero");
    List<Long> partitionData = new ArrayList<>();
    long stateData = 0;
    for (SparseMap.Extent x : w.dataMap().extents()) {
      long s = Math.max(x.offset(), p.offsetBytes());
      long e = Math.min(x.end(), p.offsetBytes() + p.sizeBytes());
      if (e > s) {
        stateData += e - s;
        partitionData.add(s - p.offsetBytes());
      }
    }
    assertTrue(stateData <= 80 << 10, "only the non-zero 4 KiB blocks are written: " + stateData + " at " + partitionData);
  }
}

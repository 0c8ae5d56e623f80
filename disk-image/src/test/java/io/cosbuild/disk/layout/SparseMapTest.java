package io.cosbuild.disk.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparseMapTest {
  @TempDir
  Path dir;

  @Test
  void builderWidensToBlocksMergesTouchingRangesAndClampsToTheSize() {
    // Blocks 0-2 touch and merge; block 4 stands alone and is clamped to the 20,000-byte size.
    SparseMap m = new SparseMap.Builder(20_000).add(0, 10).add(4000, 200).add(9000, 1).add(16389, 1).build();
    assertEquals(List.of(new SparseMap.Extent(0, 12288), new SparseMap.Extent(16384, 20_000 - 16384)), m.extents());
    assertEquals(12288 + 20_000 - 16384, m.dataBytes());
    assertThrows(IllegalArgumentException.class, () -> new SparseMap.Builder(10_000).add(5000, 1).add(10, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new SparseMap(100, List.of(new SparseMap.Extent(50, 60))));
  }

  @Test
  void scanFindsExactlyTheNonZeroBlocks() throws Exception {
    Path f = dir.resolve("f");
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        StandardOpenOption.READ)) {
      ch.write(ByteBuffer.wrap(new byte[] {1}), 5000);
      ch.write(ByteBuffer.wrap(new byte[8192]), 20_000); // explicit zeros are not data
      ch.write(ByteBuffer.wrap(new byte[] {2}), (3 << 20) + 7);
      SparseMap m = SparseMap.scan(ch);
      assertEquals(List.of(new SparseMap.Extent(4096, 4096), new SparseMap.Extent(3 << 20, 8)), m.extents());
      assertEquals((3 << 20) + 8, m.size());
    }
  }
}

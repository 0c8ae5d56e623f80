package io.cosbuild.disk.qcow2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cosbuild.disk.Fixtures;
import io.cosbuild.disk.Tools;
import io.cosbuild.disk.gpt.Architecture;
import io.cosbuild.disk.layout.DiskImageWriter;
import io.cosbuild.disk.layout.DiskLayout;
import io.cosbuild.disk.layout.SparseMap;
import io.cosbuild.disk.layout.WrittenDisk;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** qcow2 output judged by qemu-img check, compare and info. */
class Qcow2WriterIT {
  @TempDir
  Path dir;

  @Test
  void qemuImgChecksAndComparesIdenticalForACosbuildDisk() throws Exception {
    Fixtures.Images img = Fixtures.make(dir);
    WrittenDisk raw = DiskImageWriter.write(
        DiskLayout.plan(Fixtures.request(Architecture.X86_64, 3L << 30, img, true)), dir.resolve("disk.raw"));
    Path qcow2 = dir.resolve("disk.qcow2");
    try (FileChannel ch = FileChannel.open(raw.path(), StandardOpenOption.READ)) {
      Qcow2Writer.write(ch, raw.dataMap(), qcow2);
    }
    assertJudgedIdentical(raw.path(), qcow2);
    // Only the data is stored: far less than the 3 GiB disk.
    assertTrue(Files.size(qcow2) < 8L << 20, "qcow2 is " + Files.size(qcow2) + " bytes");
  }

  @Test
  void dataAcrossL2AndRefcountBlockBoundariesAndAPartialLastCluster() throws Exception {
    // 1.5 GiB + 1 KiB: several L2 tables (512 MiB each), a last cluster that is not full, and data scattered by a
    // fixed-seed random generator; the map comes from a full scan, as for a raw image made elsewhere.
    Path raw = dir.resolve("scatter.raw");
    long size = (1536L << 20) + 1024;
    Random rnd = new Random(7);
    try (FileChannel ch = FileChannel.open(raw, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      byte[] b = new byte[5000];
      for (int i = 0; i < 200; i++) {
        rnd.nextBytes(b);
        long pos = Math.floorMod(rnd.nextLong(), size - b.length);
        ch.write(java.nio.ByteBuffer.wrap(b), pos);
      }
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), size - 3);
    }
    SparseMap map;
    try (FileChannel ch = FileChannel.open(raw, StandardOpenOption.READ)) {
      map = SparseMap.scan(ch);
      Qcow2Writer.write(ch, map, dir.resolve("scatter.qcow2"));
    }
    assertJudgedIdentical(raw, dir.resolve("scatter.qcow2"));
  }

  private static void assertJudgedIdentical(Path raw, Path qcow2) throws Exception {
    Tools.Run check = Tools.exec("qemu-img", "check", "-f", "qcow2", qcow2.toString());
    assertEquals(0, check.code(), check.out() + check.err());
    assertTrue(check.out().contains("No errors were found"), check.out());
    String cmp = Tools.run("qemu-img", "compare", "-f", "raw", "-F", "qcow2", raw.toString(), qcow2.toString());
    assertTrue(cmp.contains("Images are identical"), cmp);
    JsonNode info = new ObjectMapper().readTree(
        Tools.run("qemu-img", "info", "--output=json", "-f", "qcow2", qcow2.toString()));
    assertEquals(Files.size(raw), info.get("virtual-size").asLong());
    assertEquals(65536, info.get("cluster-size").asInt());
    assertEquals("1.1", info.get("format-specific").get("data").get("compat").asText());
  }
}

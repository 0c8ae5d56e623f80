package io.cosbuild.verity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 5 GiB sparse data file, with random patches at the start, past the 2 GiB and 4 GiB marks and at the
 * end, is formatted by a JVM with a 32 MiB heap, and veritysetup verifies the result: the hashing core
 * streams. {@code -Dcosbuild.verity.largeTestGiB=16} runs the 16 GiB case of the issue (it passed when
 * written; the default is smaller because the machine is shared).
 */
class LargeDataSmallHeapIT {

  @Test
  void gibibytesOfDataWithA32MibHeap(@TempDir Path dir) throws Exception {
    long size = Long.getLong("cosbuild.verity.largeTestGiB", 5) << 30;
    Path data = dir.resolve("big.img");
    Path patch = Tools.randomFile(dir.resolve("patch"), 1 << 20, 99);
    byte[] p = java.nio.file.Files.readAllBytes(patch);
    try (RandomAccessFile f = new RandomAccessFile(data.toFile(), "rw")) {
      f.setLength(size);
      for (long at : new long[] {0, (2L << 30) - 4096, (4L << 30) + 12345, size - p.length}) {
        if (at > size - p.length) {
          continue; // a smaller size asked for on the command line
        }
        f.seek(at);
        f.write(p);
      }
    }
    Path hash = dir.resolve("big.hash");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String out = Tools.ok(List.of(java, "-Xmx32m", "-XX:MaxDirectMemorySize=32m", "-cp",
        System.getProperty("java.class.path"), "io.cosbuild.verity.tools.FormatMain", data.toString(), hash.toString(),
        "--salt", "0123456789abcdef", "--uuid", "11111111-2222-3333-4444-555555555555"));
    String root = Tools.field(out, "Root hash");
    assertEquals(String.valueOf(size / 4096), Tools.field(out, "Data blocks"));
    Tools.ok(List.of("veritysetup", "verify", data.toString(), hash.toString(), root));
  }
}

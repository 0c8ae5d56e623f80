package io.cosbuild.verity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a progress display is told: it reaches the whole input, never more, and a progress hook changes no byte. */
class VerityProgressTest {

  private static final long SIZE = 20L << 20; // three chunks of the hashing core

  /** The updates seen, from whichever thread. */
  private record Seen(Queue<long[]> updates) implements VerityProgress {
    Seen() {
      this(new ConcurrentLinkedQueue<>());
    }

    @Override
    public void update(long done, long total) {
      updates.add(new long[] {done, total});
    }

    void assertReaches(long total) {
      assertTrue(updates.size() >= 2, "one update per chunk, got " + updates.size());
      long max = 0;
      for (long[] u : updates) {
        assertEquals(total, u[1], "total");
        assertTrue(u[0] > 0 && u[0] <= total, "done " + u[0] + " of " + total);
        max = Math.max(max, u[0]);
      }
      assertEquals(total, max, "the last update covers the whole input");
    }
  }

  @Test
  void formatVerifyAndFecReportTheWholeInput(@TempDir Path dir) throws Exception {
    Path data = Tools.randomFile(dir.resolve("data"), SIZE, 7);
    VerityParams p = VerityParams.of(VerityFiles.dataBlocks(data, 4096), new byte[] {1, 2, 3},
        java.util.UUID.fromString("0d2a6c7e-4b1f-4e3a-9c55-2f7d18e0a9b1"));
    Seen formatting = new Seen();
    VerityResult r = VerityFiles.format(data, dir.resolve("hash"), p, 2, formatting);
    formatting.assertReaches(SIZE);
    VerityResult quiet = VerityFiles.format(data, dir.resolve("hash-quiet"), p, 2);
    assertEquals(quiet.rootHashHex(), r.rootHashHex());
    assertEquals(-1L, Files.mismatch(dir.resolve("hash"), dir.resolve("hash-quiet")));

    Seen verifying = new Seen();
    assertTrue(VerityFiles.verify(data, dir.resolve("hash"), null, 0, r.rootHash(), 2, verifying).ok());
    verifying.assertReaches(SIZE);

    Seen encoding = new Seen();
    VerityFec.Result fec = VerityFiles.formatFec(data, dir.resolve("hash"), r, dir.resolve("fec"), 0, 2, 2, encoding);
    encoding.assertReaches(fec.coveredBlocks() * 4096);
  }
}

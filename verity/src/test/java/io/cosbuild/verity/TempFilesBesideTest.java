package io.cosbuild.verity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a {@code verity format} killed outright leaves beside its output, and who removes it. */
class TempFilesBesideTest {

  private static final UUID UUID_ = UUID.fromString("0d2a6c7e-4b1f-4e3a-9c55-2f7d18e0a9b1");

  @TempDir Path dir;

  @Test
  void theNextFormatRemovesAnAbandonedTemporaryFileAndNothingElse() throws Exception {
    Path data = Tools.randomFile(dir.resolve("data"), 1 << 20, 3);
    Path abandoned = Files.write(dir.resolve(".hash.8812345.tmp"), new byte[4096]);
    List<Path> kept = List.of(
        Files.createFile(dir.resolve(".hash.8867890.tmp")), // empty: may be a run's not yet locked
        Files.write(dir.resolve(".hash.notes.tmp"), new byte[1]), // not a name cosbuild makes
        Files.write(dir.resolve(".hash.img.5.tmp"), new byte[1]), // another target's
        Files.write(dir.resolve(".other.5.tmp"), new byte[1]));
    VerityFiles.format(data, dir.resolve("hash"), params(data), 2);
    assertFalse(Files.exists(abandoned), "a killed run's temporary file is removed");
    for (Path p : kept) {
      assertTrue(Files.exists(p), p + " is kept");
    }
    Path fresh = Files.createDirectory(dir.resolve("fresh"));
    VerityFiles.format(data, fresh.resolve("hash"), params(data), 2);
    assertEquals(-1, Files.mismatch(fresh.resolve("hash"), dir.resolve("hash")));
  }

  /** A real format in another JVM: its file is kept while it runs, and removed by the next format once it is killed. */
  @Test
  void aRunningFormatsFileIsKeptAndRemovedAfterSigkill() throws Exception {
    Path big = dir.resolve("big");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(64L << 30); // sparse: hashing it takes long enough to be caught mid-way
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "io.cosbuild.verity.tools.FormatMain", big.toString(), dir.resolve("hash").toString(), "--salt", "-",
        "--uuid", UUID_.toString(), "--threads", "1")
        .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
    try {
      Path tmp = awaitWrittenTempFile(child);
      Path small = Tools.randomFile(dir.resolve("small"), 8192, 4);
      VerityFiles.format(small, dir.resolve("hash"), params(small), 2);
      assertTrue(Files.exists(tmp), "the running format's file is kept");
      assertTrue(child.isAlive(), Files.readString(dir.resolve("child.log")));

      child.destroyForcibly(); // SIGKILL: no shutdown hook deletes the file
      assertTrue(child.waitFor(30, TimeUnit.SECONDS));
      assertTrue(Files.exists(tmp), "SIGKILL leaves the file");
      VerityFiles.format(small, dir.resolve("hash"), params(small), 2);
      assertFalse(Files.exists(tmp), "the next format removes it");
    } finally {
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private Path awaitWrittenTempFile(Process child) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < end && child.isAlive()) {
      try (Stream<Path> s = Files.list(dir)) {
        Optional<Path> tmp = s.filter(p -> p.getFileName().toString().matches("\\.hash\\.[0-9]+\\.tmp")).findFirst();
        if (tmp.isPresent() && Files.size(tmp.get()) > 0) {
          return tmp.get();
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the child wrote no temporary file: " + Files.readString(dir.resolve("child.log")));
  }

  private static VerityParams params(Path data) throws Exception {
    return VerityParams.of(VerityFiles.dataBlocks(data, 4096), new byte[0], UUID_);
  }
}

package io.cosbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** {@code -v} on the fs and verity commands logs what they did at debug level; without it nothing is logged. */
class VerboseLoggingTest {

  @TempDir Path tmp;

  @AfterEach
  void quiet() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.INFO);
  }

  /** What logback wrote to the process's stderr while the command ran (it does not use the CLI's stream). */
  private static String logOf(String... args) {
    PrintStream saved = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    try {
      MainTest.Result r = MainTest.run(args);
      assertEquals(0, r.code(), r.err());
    } finally {
      System.setErr(saved);
    }
    return log.toString(StandardCharsets.UTF_8);
  }

  @Test
  void fsAndVerityCommandsLogTheirLayoutUnderV() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src/etc"));
    Files.writeString(src.resolve("hostname"), "cos\n");
    Path ext4 = tmp.resolve("root.img");
    String quiet = logOf("fs", "ext4", tmp.resolve("src").toString(), ext4.toString(), "--no-journal");
    assertFalse(quiet.contains("DEBUG"), quiet);

    String log = logOf("fs", "ext4", tmp.resolve("src").toString(), ext4.toString(), "--no-journal", "-v");
    assertTrue(log.contains("DEBUG FsExt4Command: ext4: ") && log.contains("groups of")
        && log.contains("(derived from the content)"), log);

    log = logOf("fs", "squashfs", tmp.resolve("src").toString(), tmp.resolve("root.sqfs").toString(), "-v");
    assertTrue(log.contains("DEBUG FsSquashfsCommand: squashfs: ") && log.contains("fragment blocks"), log);

    log = logOf("verity", "format", ext4.toString(), tmp.resolve("root.hash").toString(), "-v");
    assertTrue(log.contains("DEBUG VerityFormatCommand: verity: ") && log.contains("data blocks of 4096 bytes")
        && log.contains("hash blocks in") && log.contains("MB/s of data"), log);

    String root = MainTest.run("verity", "format", ext4.toString(), tmp.resolve("root.hash").toString(), "--json")
        .out().replaceAll("(?s).*\"rootHash\" *: *\"([0-9a-f]+)\".*", "$1").strip();
    log = logOf("verity", "verify", ext4.toString(), tmp.resolve("root.hash").toString(), root, "-v");
    assertTrue(log.contains("DEBUG VerityVerifyCommand: verity: parameters from the superblock")
        && log.contains("recomputed and compared in"), log);
  }
}

package io.cosbuild.verity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Runs reference tools (veritysetup, openssl) for the tests and makes deterministic test data. */
final class Tools {

  private Tools() {}

  /** Exit code and combined output of a finished command. */
  record Run(int exit, String out) {}

  static Run run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    return new Run(p.waitFor(), new String(out, StandardCharsets.UTF_8));
  }

  static Run run(String... cmd) throws IOException, InterruptedException {
    return run(List.of(cmd));
  }

  /** Runs and requires exit 0, failing with the tool's output otherwise. */
  static String ok(List<String> cmd) throws IOException, InterruptedException {
    Run r = run(cmd);
    if (r.exit() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " exited " + r.exit() + ":\n" + r.out());
    }
    return r.out();
  }

  /** The value of a {@code Name:  \tvalue} line of veritysetup's output. */
  static String field(String out, String name) {
    for (String line : out.split("\n")) {
      if (line.startsWith(name + ":")) {
        return line.substring(line.indexOf('\t') + 1).strip();
      }
    }
    throw new AssertionError("no '" + name + "' line in:\n" + out);
  }

  /** Writes {@code size} pseudo-random bytes (seeded, so every run has the same data). */
  static Path randomFile(Path file, long size, long seed) throws IOException {
    SplittableRandom r = new SplittableRandom(seed);
    byte[] buf = new byte[1 << 20];
    try (var out = Files.newOutputStream(file)) {
      for (long left = size; left > 0; left -= buf.length) {
        r.nextBytes(buf);
        out.write(buf, 0, (int) Math.min(buf.length, left));
      }
    }
    return file;
  }

  static void flipByte(Path file, long offset) throws IOException {
    try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ,
        java.nio.file.StandardOpenOption.WRITE)) {
      var b = java.nio.ByteBuffer.allocate(1);
      ch.read(b, offset);
      b.put(0, (byte) (b.get(0) ^ 0x5a)).clear();
      ch.write(b, offset);
      ch.force(false); // on a block device, a tool reading with O_DIRECT sees it too
    }
  }

  static List<String> list(String... s) {
    return new ArrayList<>(List.of(s));
  }
}

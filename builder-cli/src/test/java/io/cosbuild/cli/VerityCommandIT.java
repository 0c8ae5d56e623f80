package io.cosbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cosbuild verity format|verify} against {@code veritysetup}: same printed lines, same bytes, exit codes. */
class VerityCommandIT {

  private static final String SALT = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  private static final String UUID_ = "6a1d2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b";

  @TempDir Path dir;
  Path data;

  record Result(int exit, String out, String err) {}

  @BeforeEach
  void data() throws IOException {
    data = dir.resolve("root.img");
    byte[] b = new byte[(2 << 20) + 3 * 4096];
    new SplittableRandom(7).nextBytes(b);
    Files.write(data, b);
  }

  static Result cosbuild(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.withSubcommands("verity", new VerityCommand(), null);
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  static String[] veritysetup(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("veritysetup"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new String[] {String.valueOf(p.waitFor()), out};
  }

  static String rootOf(String out) {
    return out.lines().filter(l -> l.startsWith("Root hash:")).findFirst().orElseThrow().split("\t")[1];
  }

  @Test
  void formatPrintsAndWritesWhatVeritysetupDoes() throws Exception {
    Path theirs = dir.resolve("theirs.hash");
    Path ours = dir.resolve("ours.hash");
    String[] v = veritysetup("format", data.toString(), theirs.toString(), "--salt", SALT, "--uuid", UUID_);
    assertEquals("0", v[0], v[1]);
    Result r = cosbuild("format", data.toString(), ours.toString(), "--salt", SALT, "--uuid", UUID_);
    assertEquals(0, r.exit(), r.err());
    assertEquals(v[1].replace(theirs.toString(), "H"), r.out().replace(ours.toString(), "H"));
    assertEquals(-1, Files.mismatch(theirs, ours));

    String root = rootOf(r.out());
    assertEquals(0, cosbuild("verify", data.toString(), ours.toString(), root).exit());
    assertEquals(0, cosbuild("verify", data.toString(), theirs.toString(), root).exit());
    assertEquals("0", veritysetup("verify", data.toString(), ours.toString(), root)[0]);

    Result json = cosbuild("format", data.toString(), ours.toString(), "--salt", SALT, "--uuid", UUID_, "--json");
    JsonNode j = Json.mapper().readTree(json.out());
    assertEquals(root, j.get("rootHash").asText());
    assertEquals(SALT, j.get("salt").asText());
    assertEquals(UUID_, j.get("uuid").asText());

    // One flipped data byte: exit 1 from us, failure from veritysetup.
    try (FileChannel ch = FileChannel.open(data, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {0x42}), 1 << 20);
    }
    Result bad = cosbuild("verify", data.toString(), ours.toString(), root);
    assertEquals(1, bad.exit(), bad.out() + bad.err());
    assertTrue(!"0".equals(veritysetup("verify", data.toString(), ours.toString(), root)[0]));
  }

  @Test
  void fecDeviceLikeVeritysetup() throws Exception {
    String[] v = veritysetup("format", data.toString(), dir.resolve("vh").toString(), "--fec-device",
        dir.resolve("vf").toString(), "--fec-roots", "5", "--salt", SALT, "--uuid", UUID_);
    assertEquals("0", v[0], v[1]);
    Result r = cosbuild("format", data.toString(), dir.resolve("oh").toString(), "--fec-device",
        dir.resolve("of").toString(), "--fec-roots", "5", "--salt", SALT, "--uuid", UUID_);
    assertEquals(0, r.exit(), r.err());
    assertEquals(v[1].replace(dir.resolve("vh").toString(), "H"), r.out().replace(dir.resolve("oh").toString(), "H"));
    assertEquals(-1, Files.mismatch(dir.resolve("vf"), dir.resolve("of")));
    assertEquals(2, cosbuild("format", data.toString(), dir.resolve("x").toString(), "--fec-roots", "5").exit());
    assertEquals(2, cosbuild("format", data.toString(), dir.resolve("x").toString(), "--fec-device",
        dir.resolve("y").toString(), "--fec-roots", "30").exit());
  }

  @Test
  void defaultSaltAndUuidAreDeterministicAndVeritysetupReadsThem() throws Exception {
    Result a = cosbuild("format", data.toString(), dir.resolve("a.hash").toString());
    Result b = cosbuild("format", data.toString(), dir.resolve("b.hash").toString());
    assertEquals(0, a.exit(), a.err());
    assertEquals(a.out().replace("a.hash", "x"), b.out().replace("b.hash", "x"));
    assertEquals(-1, Files.mismatch(dir.resolve("a.hash"), dir.resolve("b.hash")));
    String[] dump = veritysetup("dump", dir.resolve("a.hash").toString());
    assertEquals("0", dump[0], dump[1]);
    String salt = a.out().lines().filter(l -> l.startsWith("Salt:")).findFirst().orElseThrow().split("\t")[1];
    assertTrue(dump[1].contains(salt), dump[1]);
    assertEquals("0", veritysetup("verify", data.toString(), dir.resolve("a.hash").toString(), rootOf(a.out()))[0]);
  }

  @Test
  void hashAreaInTheDataFileWithoutSuperblock() throws Exception {
    long offset = Files.size(data) / 4096 * 4096;
    Result r = cosbuild("format", data.toString(), data.toString(), "--hash-offset", String.valueOf(offset),
        "--no-superblock", "--salt", "-");
    assertEquals(0, r.exit(), r.err());
    String root = rootOf(r.out());
    String[] v = veritysetup("verify", data.toString(), data.toString(), root, "--hash-offset", String.valueOf(offset),
        "--no-superblock", "--salt", "-", "--data-blocks", String.valueOf(offset / 4096));
    assertEquals("0", v[0], v[1]);
    assertEquals(0, cosbuild("verify", data.toString(), data.toString(), root, "--hash-offset",
        String.valueOf(offset), "--no-superblock", "--salt", "-", "--data-blocks", String.valueOf(offset / 4096)).exit());
    // Run again, the file now holds the tree after the data: without --data-blocks it would be hashed too.
    Result again = cosbuild("format", data.toString(), data.toString(), "--hash-offset", String.valueOf(offset),
        "--no-superblock", "--salt", "-");
    assertEquals(2, again.exit(), again.err());
    assertTrue(again.err().contains("or give --data-blocks " + offset / 4096 + " to hash only the data before it"),
        again.err());
    again = cosbuild("format", data.toString(), data.toString(), "--hash-offset", String.valueOf(offset),
        "--no-superblock", "--salt", "-", "--data-blocks", String.valueOf(offset / 4096));
    assertEquals(0, again.exit(), again.err());
    assertEquals(root, rootOf(again.out()));
  }

  /** With --json, stdout is JSON also when format or verify fails. */
  @Test
  void failuresWithJsonAreJsonOnStdout() throws Exception {
    for (String[] args : new String[][] {{"format", dir.resolve("missing").toString(), dir.resolve("h").toString()},
        {"verify", dir.resolve("missing").toString(), dir.resolve("h").toString(), "00"}}) {
      String[] withJson = java.util.Arrays.copyOf(args, args.length + 1);
      withJson[args.length] = "--json";
      Result r = cosbuild(withJson);
      assertEquals(2, r.exit(), r.err());
      com.fasterxml.jackson.databind.JsonNode j = Json.mapper().readTree(r.out());
      assertEquals(false, j.get("ok").asBoolean(), r.out());
      assertEquals(2, j.get("exitCode").asInt(), r.out());
      assertEquals(dir.resolve("missing") + ": no such file or directory", j.get("error").asText(), r.out());
    }
  }

  @Test
  void usageAndInputErrorsExitTwo() {
    Path h = dir.resolve("h");
    Result missing = cosbuild("format", dir.resolve("missing").toString(), h.toString());
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains(dir.resolve("missing") + ": no such file or directory"), missing.err());
    assertEquals(2, cosbuild("format", data.toString(), h.toString(), "--salt", "xyz").exit());
    assertEquals(2, cosbuild("format", data.toString(), h.toString(), "--hash", "md5").exit());
    assertEquals(2, cosbuild("format", data.toString(), h.toString(), "--data-block-size", "1000").exit());
    assertEquals(2, cosbuild("format", data.toString(), data.toString(), "--hash-offset", "4096").exit(),
        "a hash area inside the data");
    assertEquals(0, cosbuild("format", data.toString(), h.toString(), "--salt", "-").exit());
    assertEquals(2, cosbuild("verify", data.toString(), h.toString(), "not-hex").exit());
    assertEquals(2, cosbuild("verify", data.toString(), data.toString(), "00").exit(), "no superblock there");
    assertEquals(2, cosbuild("verify", data.toString(), h.toString(), "00", "--no-superblock").exit(), "no salt");
    Result r = cosbuild("verify", data.toString(), dir.toString(), "00");
    assertEquals(2, r.exit(), "a directory as the hash file");
    assertTrue(r.err().contains(dir.toString()) && r.err().contains("not a regular file"), r.err());
    r = cosbuild("verify", dir.resolve("gone").toString(), h.toString(), "00");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("gone") && !r.err().contains("\tat "), r.err());
    r = cosbuild("verify", dir.resolve("gone").toString(), h.toString(), "00", "--stacktrace");
    assertTrue(r.err().contains("\tat io.cosbuild.verity."), "--stacktrace shows where: " + r.err());
    assertEquals(2, cosbuild("bogus").exit());
  }

  @Test
  void fecAreaInTheDataFileLikeVeritysetup() throws Exception {
    // Data, tree and parity in one file, then parity after the data with the tree elsewhere: both as veritysetup.
    long dataEnd = Files.size(data) / 4096 * 4096;
    String blocks = String.valueOf(dataEnd / 4096);
    long hashAt = dataEnd;
    long fecAt = dataEnd + (64L << 10);
    for (String who : List.of("v", "c")) {
      Path f = dir.resolve(who + ".img");
      Files.copy(data, f);
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.allocate(1), fecAt + (64L << 10) - 1); // veritysetup reads the area up to the parity
      }
      String[] args = {"format", f.toString(), f.toString(), "--data-blocks", blocks, "--hash-offset", String.valueOf(hashAt),
          "--fec-device", f.toString(), "--fec-offset", String.valueOf(fecAt), "--salt", SALT, "--uuid", UUID_};
      formatWith(who, args);
      Path g = dir.resolve(who + "-sep.img");
      Files.copy(data, g);
      String[] sep = {"format", g.toString(), dir.resolve(who + "-sep.hash").toString(), "--data-blocks", blocks,
          "--fec-device", g.toString(), "--fec-offset", String.valueOf(dataEnd), "--salt", SALT, "--uuid", UUID_};
      formatWith(who, sep);
    }
    assertEquals(-1, Files.mismatch(dir.resolve("v.img"), dir.resolve("c.img")));
    assertEquals(-1, Files.mismatch(dir.resolve("v-sep.img"), dir.resolve("c-sep.img")));
    assertEquals(-1, Files.mismatch(dir.resolve("v-sep.hash"), dir.resolve("c-sep.hash")));
  }

  /** Runs {@code args} with veritysetup ("v") or cosbuild, which must succeed. */
  private static void formatWith(String who, String... args) throws Exception {
    if (who.equals("v")) {
      String[] v = veritysetup(args);
      assertEquals("0", v[0], v[1]);
    } else {
      Result r = cosbuild(args);
      assertEquals(0, r.exit(), r.err());
    }
  }

  @Test
  void fecAreaOverlappingTheTreeOrDataIsRefusedBeforeAnythingIsWritten() throws Exception {
    long dataEnd = Files.size(data) / 4096 * 4096;
    Path f = dir.resolve("one.img");
    Files.copy(data, f);
    Result r = cosbuild("format", f.toString(), f.toString(), "--data-blocks", String.valueOf(dataEnd / 4096),
        "--hash-offset", String.valueOf(dataEnd), "--fec-device", f.toString(), "--fec-offset", String.valueOf(dataEnd),
        "--salt", SALT);
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("overlaps the hash tree"), r.err());
    assertEquals(-1, Files.mismatch(data, f), "the refused format wrote nothing");
    r = cosbuild("format", f.toString(), dir.resolve("h").toString(), "--data-blocks", String.valueOf(dataEnd / 4096),
        "--fec-device", f.toString(), "--fec-offset", "4096", "--salt", SALT);
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("overlaps the data"), r.err());
    assertEquals(-1, Files.mismatch(data, f));
    assertTrue(Files.notExists(dir.resolve("h")), "no hash file either");
  }

  @Test
  void specialFilesAreRefusedWhereverTheyAreGiven() throws Exception {
    // At an offset the hash and FEC areas are written in place: a character device there would swallow them
    // and a made-up root hash would be printed.
    Result r = cosbuild("format", data.toString(), "/dev/zero", "--hash-offset", "4096", "--salt", SALT);
    assertEquals(2, r.exit(), r.out());
    assertTrue(r.err().contains("/dev/zero is not a regular file or block device"), r.err());
    assertTrue(r.out().isEmpty(), "no root hash printed: " + r.out());
    r = cosbuild("format", data.toString(), dir.resolve("h").toString(), "--fec-device", "/dev/null", "--fec-offset", "4096");
    assertEquals(2, r.exit(), r.out());
    assertTrue(r.err().contains("/dev/null is not a regular file or block device"), r.err());
    assertTrue(Files.notExists(dir.resolve("h")), "refused before the tree was written");
    Path fifo = dir.resolve("fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    r = cosbuild("format", fifo.toString(), dir.resolve("h").toString()); // opening it would block for ever
    assertEquals(2, r.exit());
    assertTrue(r.err().contains(fifo + ": the data file is not a regular file"), r.err());
    r = cosbuild("format", dir.toString(), dir.resolve("h").toString());
    assertEquals(2, r.exit(), "a directory as the data");
    assertTrue(r.err().contains(dir + ": the data file"), r.err());
  }

  @Test
  void badRootHashesAndOffsetsAreUsageErrors() throws Exception {
    Path h = dir.resolve("h");
    Result f = cosbuild("format", data.toString(), h.toString());
    assertEquals(0, f.exit(), f.err());
    String root = rootOf(f.out());
    Result r = cosbuild("verify", data.toString(), h.toString(), root.substring(0, 16));
    assertEquals(2, r.exit(), "a root hash of the wrong length is the caller's error, not changed data");
    assertTrue(r.err().contains("the root hash given is 8 bytes; a sha256 root hash is 32 bytes"), r.err());
    assertEquals(2, cosbuild("verify", data.toString(), h.toString(), "").exit());
    assertEquals(0, cosbuild("verify", data.toString(), h.toString(), root).exit());
    r = cosbuild("format", data.toString(), dir.resolve("h2").toString(), "--hash-offset", "9223372036854775296");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("would end beyond the largest possible file"), r.err());
    r = cosbuild("format", data.toString(), dir.resolve("no/such/dir/h").toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("cannot write the hash tree " + dir.resolve("no/such/dir/h")), "names the user's path: " + r.err());
  }
}

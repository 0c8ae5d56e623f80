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
}

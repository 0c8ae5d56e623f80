package io.cosbuild.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cosbuild.rootfs.squashfs.SquashfsException;
import io.cosbuild.rootfs.squashfs.SquashfsSuperblock;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class FsSquashfsCommandTest {

  @TempDir Path dir;

  private int run(StringWriter out, StringWriter err, String... args) {
    CommandLine cl = new CommandLine(new FsSquashfsCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  @Test
  void writesAnImageAndAJsonSummary() throws Exception {
    Path src = Files.createDirectories(dir.resolve("src/sub"));
    Files.writeString(src.resolve("hello.txt"), "hello\n");
    Path img = dir.resolve("out.sqfs");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = run(out, err, dir.resolve("src").toString(), img.toString(), "--comp", "gzip", "--level", "6",
        "--source-date-epoch", "1234567", "--json");
    assertEquals(0, code, err.toString());
    JsonNode j = new ObjectMapper().readTree(out.toString());
    assertEquals(3, j.get("inodes").asInt());
    assertEquals("gzip", j.get("compression").asText());
    assertEquals(Files.size(img), j.get("imageSize").asLong());
    byte[] head = new byte[SquashfsSuperblock.SIZE];
    try (InputStream in = Files.newInputStream(img)) {
      assertEquals(head.length, in.readNBytes(head, 0, head.length));
    }
    SquashfsSuperblock sb = parse(head);
    assertEquals(1234567, sb.modificationTime());
    assertEquals(1, sb.compressionId());
  }

  /**
   * An image written into its own source directory holds neither itself nor the half-written image of the
   * staging directory, as mksquashfs leaves out its destination: a rerun gives the same bytes, and
   * unsquashfs lists only the source's own files.
   */
  @Test
  void anImageOfItsOwnDirectoryLeavesItselfOut() throws Exception {
    Path src = Files.createDirectories(dir.resolve("src"));
    Files.writeString(src.resolve("hello.txt"), "hello\n");
    Path img = src.resolve("out.sqfs");
    String[] args = {src.toString(), img.toString(), "--source-date-epoch", "1000"};
    StringWriter err = new StringWriter();
    assertEquals(0, run(new StringWriter(), err, args), err.toString());
    byte[] first = Files.readAllBytes(img);
    assertEquals(0, run(new StringWriter(), err, args), err.toString());
    assertArrayEquals(first, Files.readAllBytes(img), "a rerun read the last image");
    Process p = new ProcessBuilder("unsquashfs", "-lc", img.toString()).redirectErrorStream(true).start();
    String ls = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), ls);
    assertEquals(java.util.List.of("squashfs-root/hello.txt"), ls.lines().filter(l -> !l.isBlank()).toList(), ls);
  }

  /** With --json, stdout is JSON also when the command fails: the error and its exit code. */
  @Test
  void aFailureWithJsonIsJsonOnStdout() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertEquals(2, run(out, err, dir.resolve("missing").toString(), dir.resolve("o").toString(), "--json"));
    JsonNode j = new ObjectMapper().readTree(out.toString());
    assertEquals(false, j.get("ok").asBoolean());
    assertEquals(2, j.get("exitCode").asInt());
    assertEquals(dir.resolve("missing") + " does not exist", j.get("error").asText());
    assertTrue(err.toString().contains("cosbuild fs squashfs: " + dir.resolve("missing") + " does not exist"), err.toString());
  }

  @Test
  void badArgumentsExitWithTwo() {
    StringWriter err = new StringWriter();
    assertEquals(2, run(new StringWriter(), err, dir.resolve("missing").toString(), dir.resolve("o").toString()));
    assertTrue(err.toString().contains("does not exist"), err.toString());
    err = new StringWriter();
    assertEquals(2, run(new StringWriter(), err, dir.toString(), dir.resolve("o").toString(), "--comp", "lzo"));
    assertTrue(err.toString().contains("unknown compressor"), err.toString());
    err = new StringWriter();
    assertEquals(2, run(new StringWriter(), err, dir.toString(), dir.resolve("o").toString(), "--block-size", "1000"));
    assertTrue(err.toString().contains("block size"), err.toString());
    err = new StringWriter();
    assertEquals(2, run(new StringWriter(), err, dir.toString(), dir.resolve("o").toString(), "--xz-bcj", "x86"));
    assertTrue(err.toString().contains("--xz-bcj needs --comp xz"), err.toString());
    err = new StringWriter();
    assertEquals(2, run(new StringWriter(), err, dir.toString(), dir.resolve("o").toString(), "--comp", "xz",
        "--xz-bcj", "x86,mips"));
    assertTrue(err.toString().contains("unknown xz filter 'mips'"), err.toString());
    assertTrue(Files.notExists(dir.resolve("o")));
  }

  @Test
  void xzBcjFiltersReachTheImageAndTheSummary() throws Exception {
    Path src = Files.createDirectories(dir.resolve("bcj"));
    Files.write(src.resolve("code"), Files.readAllBytes(Path.of(System.getProperty("java.home"), "lib", "libjava.so")));
    Path img = dir.resolve("bcj.sqfs");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertEquals(0, run(out, err, src.toString(), img.toString(), "--comp", "xz", "--xz-bcj", "arm64,x86", "--json"),
        err.toString());
    assertEquals("[\"x86\",\"arm64\"]", new ObjectMapper().readTree(out.toString()).get("xzFilters").toString());
    // The options block after the superblock, as mksquashfs -Xbcj x86,arm64 writes it: an uncompressed 8-byte
    // metadata block with the dictionary size and the filters' bits (x86 0, arm64 6).
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(Files.readAllBytes(img), SquashfsSuperblock.SIZE, 10)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    assertEquals(0x8008, b.getShort() & 0xffff);
    assertEquals(131072, b.getInt());
    assertEquals(0x41, b.getInt());
  }

  @Test
  void environmentEpochIsUsedWhenNoFlagGivesOne() {
    FsSquashfsCommand c = new FsSquashfsCommand();
    new CommandLine(c).parseArgs("a", "b");
    assertEquals(99L, c.options("99").sourceDateEpoch().getAsLong());
    assertTrue(c.options(null).sourceDateEpoch().isEmpty());
    new CommandLine(c).parseArgs("a", "b", "--source-date-epoch", "5");
    assertEquals(5L, c.options("99").sourceDateEpoch().getAsLong());
  }

  /** Without an epoch nothing is clamped (see above): the help must not promise a default of 0. */
  @Test
  void helpSaysMtimesAreKeptWithoutAnEpoch() {
    String usage = new CommandLine(new FsSquashfsCommand()).getUsageMessage().replaceAll("\\s+", " ");
    assertTrue(usage.contains("default: env SOURCE_DATE_EPOCH; without either, mtimes are kept and the image time "
        + "is 0"), usage);
  }

  private static SquashfsSuperblock parse(byte[] b) throws SquashfsException {
    return SquashfsSuperblock.parse(b);
  }
}

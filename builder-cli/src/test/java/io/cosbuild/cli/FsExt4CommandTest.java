package io.cosbuild.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and output of {@code cosbuild fs ext4}; the image itself is judged in rootfs-assembler's ITs. */
class FsExt4CommandTest {

  @TempDir Path tmp;

  @Test
  void writesAnImageAndReportsItAsJson() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src/etc"));
    Files.writeString(src.resolve("hostname"), "cos\n");
    Path out = tmp.resolve("root.img");
    MainTest.Result r = MainTest.run("fs", "ext4", tmp.resolve("src").toString(), out.toString(), "--no-journal",
        "--source-date-epoch", "1700000000", "--uuid", "0d2a6c7e-4b1f-4e3a-9c55-2f7d18e0a9b1", "--json");
    assertEquals(0, r.code(), r.err());
    // Progress goes to stderr (a line per step and its result without a terminal), JSON alone to stdout.
    assertTrue(r.err().contains("Reading " + tmp.resolve("src") + ": 2 entries"), r.err());
    assertTrue(r.err().contains("Writing " + out + ": "), r.err());
    JsonNode j = Json.mapper().readTree(r.out());
    assertEquals(Files.size(out), j.get("sizeBytes").asLong());
    assertEquals("0d2a6c7e-4b1f-4e3a-9c55-2f7d18e0a9b1", j.get("uuid").asText());
    assertEquals(0, j.get("journalBlocks").asInt());
    try (Stream<Path> s = Files.list(tmp)) {
      assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith(".")), "temporary files left behind");
    }
  }

  /** With --json, stdout is JSON also when the command fails: a tar that is no tar is an input error (2). */
  @Test
  void aFailureWithJsonIsJsonOnStdout() throws Exception {
    Path notTar = Files.writeString(tmp.resolve("notes.txt"), "not a tar archive at all, just some words\n");
    MainTest.Result r = MainTest.run("fs", "ext4", notTar.toString(), tmp.resolve("x.img").toString(), "--json");
    assertEquals(2, r.code(), r.err());
    JsonNode j = Json.mapper().readTree(r.out());
    assertFalse(j.get("ok").asBoolean());
    assertEquals(2, j.get("exitCode").asInt());
    assertTrue(j.get("error").asText().contains("not a tar archive"), r.out());
    assertFalse(Files.exists(tmp.resolve("x.img")));
  }

  @Test
  void aSymlinkGivenAsTheSourceIsFollowed() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("real/etc"));
    Files.writeString(src.resolve("hostname"), "cos\n");
    Path link = Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("real"));
    MainTest.Result r = MainTest.run("fs", "ext4", link.toString(), tmp.resolve("x.img").toString(), "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = Json.mapper().readTree(r.out());
    // The 11 reserved inodes (root and lost+found among them), /etc and /etc/hostname.
    assertEquals(13, j.get("inodes").asInt() - j.get("freeInodes").asInt(), r.out());
  }

  /**
   * Both fs commands stage the image beside OUT and rename it over OUT: a device node, pipe or
   * directory there is refused, not replaced by a file; through a symbolic link the target is written.
   */
  @Test
  void anOutputThatIsNoRegularFileIsRefusedAndALinkKept() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("a"), "a\n");
    Path fifo = tmp.resolve("fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    Path dir = Files.createDirectory(tmp.resolve("dir"));
    for (String fs : new String[] {"ext4", "squashfs"}) {
      for (Path bad : new Path[] {fifo, dir}) {
        MainTest.Result r = MainTest.run("fs", fs, src.toString(), bad.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("cosbuild fs " + fs + ": " + bad + " is not a regular file"), r.err());
      }
      Path target = Files.writeString(tmp.resolve(fs + ".img"), "old");
      Path link = Files.createSymbolicLink(tmp.resolve(fs + ".link"), target.getFileName());
      MainTest.Result r = MainTest.run("fs", fs, src.toString(), link.toString());
      assertEquals(0, r.code(), r.err());
      assertTrue(Files.isSymbolicLink(link), "the link was replaced");
      assertTrue(Files.size(target) >= 4096, "the image did not go to the link's target");
    }
    assertTrue(Files.isDirectory(dir) && !Files.isRegularFile(fifo) && Files.exists(fifo), "a special file was replaced");
  }

  @Test
  void badInputIsAUsageError() {
    MainTest.Result r = MainTest.run("fs", "ext4", tmp.resolve("missing").toString(), tmp.resolve("x.img").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("does not exist"), r.err());
    r = MainTest.run("fs", "ext4", tmp.toString(), tmp.resolve("x.img").toString(), "--uuid", "nope");
    assertEquals(2, r.code());
    // A size no ext4 filesystem here can have is a bad argument, known before anything is read.
    r = MainTest.run("fs", "ext4", tmp.toString(), tmp.resolve("x.img").toString(), "--size", "1M");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--size 1048576 is below the 8 MiB (8388608 bytes) of the smallest ext4 filesystem"),
        r.err());
    assertFalse(r.err().contains("Reading"), r.err());
  }

  @Test
  void aSourceFileThatIsNoTarIsAnInputErrorAndLeavesNoImage() throws Exception {
    Path text = Files.writeString(tmp.resolve("hostname"), "cos\n");
    MainTest.Result r = MainTest.run("fs", "ext4", text.toString(), tmp.resolve("x.img").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("not a tar archive"), r.err());
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(java.util.List.of(text), s.toList(), "no image and no temporary files");
    }
  }

  /** As profiles write sizes: K, M, G, T and KiB... are powers of 1024, KB, MB... of 1000. */
  @Test
  void theSizeMayHaveAUnit() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("a"), "a\n");
    for (String[] c : new String[][] {{"24M", "25165824"}, {"24MiB", "25165824"}, {"24 mb", "24000000"},
        {"25165824", "25165824"}}) {
      MainTest.Result r = MainTest.run("fs", "ext4", src.toString(), tmp.resolve("x.img").toString(), "--size", c[0],
          "--json");
      assertEquals(0, r.code(), r.err());
      long expected = Long.parseLong(c[1]) / 4096 * 4096;
      assertEquals(expected, Json.mapper().readTree(r.out()).get("sizeBytes").asLong(), c[0]);
      assertEquals(expected, Files.size(tmp.resolve("x.img")), c[0]);
    }
    MainTest.Result r = MainTest.run("fs", "ext4", src.toString(), tmp.resolve("y.img").toString(), "--size", "1.5G");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("'--size': size '1.5G' is not a number with an optional unit (e.g. 512M, 2GiB)"), r.err());
    assertFalse(Files.exists(tmp.resolve("y.img")));
  }

  @Test
  void tooSmallASizeIsABuildFailure() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.write(src.resolve("big"), new byte[4 << 20]);
    Files.write(src.resolve("rand"), new java.util.Random(1).ints(6 << 20).mapToObj(i -> (byte) i)
        .collect(java.io.ByteArrayOutputStream::new, java.io.ByteArrayOutputStream::write, (a, b) -> { }).toByteArray());
    MainTest.Result r = MainTest.run("fs", "ext4", src.toString(), tmp.resolve("x.img").toString(),
        "--size", String.valueOf(8 << 20));
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("the filesystem of 8388608 bytes is full while writing ")
        && r.err().contains("; give a larger --size or leave it out to compute one"), r.err());
    assertFalse(Files.exists(tmp.resolve("x.img")));
    assertTheSuggestedSizeFits(r.err(), src);
  }

  @Test
  void tooFewInodesForTheTreeIsABuildFailureThatSuggestsASize() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("many"));
    for (int i = 0; i < 40_000; i++) { // inode tables larger than 8 MiB
      Files.createFile(src.resolve("f" + i));
    }
    MainTest.Result r = MainTest.run("fs", "ext4", src.toString(), tmp.resolve("x.img").toString(), "--size", "8M");
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("the filesystem of 8388608 bytes cannot hold the metadata of 1 group with "), r.err());
    assertFalse(Files.exists(tmp.resolve("x.img")));
    assertTheSuggestedSizeFits(r.err(), src);
  }

  /**
   * An image written into its own source directory holds neither itself nor the half-written image of the
   * staging directory: a rerun gives the same bytes, and debugfs lists only the source's own files.
   */
  @Test
  void anImageOfItsOwnDirectoryLeavesItselfOut() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("hostname"), "cos\n");
    Path out = src.resolve("root.img");
    String[] args = {"fs", "ext4", src.toString(), out.toString(), "--source-date-epoch", "1000"};
    MainTest.Result r = MainTest.run(args);
    assertEquals(0, r.code(), r.err());
    byte[] first = Files.readAllBytes(out);
    r = MainTest.run(args);
    assertEquals(0, r.code(), r.err());
    assertArrayEquals(first, Files.readAllBytes(out), "a rerun read the last image");
    Process p = new ProcessBuilder("debugfs", "-R", "ls -p", out.toString()).redirectError(
        ProcessBuilder.Redirect.DISCARD).start();
    String ls = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), ls);
    // "ls -p": one "/inode/mode/uid/gid/name/size/" line per entry.
    assertEquals(java.util.List.of(".", "..", "hostname", "lost+found"),
        ls.lines().filter(l -> !l.isBlank()).map(l -> l.split("/")[5]).sorted().toList(), ls);
  }

  /** The size the error names for the tree, given as --size, makes an image e2fsck finds clean. */
  private void assertTheSuggestedSizeFits(String err, Path src) throws Exception {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\(the size computed for this tree is (\\d+)M\\)$")
        .matcher(err.strip());
    assertTrue(m.find(), err);
    Path img = tmp.resolve("suggested.img");
    MainTest.Result ok = MainTest.run("fs", "ext4", src.toString(), img.toString(), "--size", m.group(1) + "M");
    assertEquals(0, ok.code(), ok.err());
    assertEquals(Long.parseLong(m.group(1)) << 20, Files.size(img));
    Process p = new ProcessBuilder("e2fsck", "-fn", img.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    Files.delete(img);
  }
}

package io.cosbuild.rootfs.fat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cosbuild.rootfs.testutil.FsJudges.Out;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What dosfstools and mtools say about a FAT image, compared with the tree it was written from. An image inside a
 * larger file is named to mtools as {@code FILE@@OFFSET}.
 */
final class FatJudges {

  /** Every line {@code fsck.fat -n -v} prints for a filesystem it finds nothing wrong with. */
  private static final List<Pattern> FSCK_CLEAN_LINES = Stream.of(
      "fsck\\.fat \\S+ \\(.*\\)",
      "Checking we can access the last sector of the filesystem",
      "Boot sector contents:",
      "System ID \".{8}\"",
      "Media byte 0xf8 \\(hard disk\\)",
      "\\s*512 bytes per logical sector",
      "\\s*\\d+ bytes per cluster",
      "\\s*32 reserved sectors",
      "First FAT starts at byte \\d+ \\(sector 32\\)",
      "\\s*2 FATs, 32 bit entries",
      "\\s*\\d+ bytes per FAT \\(= \\d+ sectors\\)",
      "Root directory start at cluster 2 \\(arbitrary size\\)",
      "Data area starts at byte \\d+ \\(sector \\d+\\)",
      "\\s*\\d+ data clusters \\(\\d+ bytes\\)",
      "\\d+ sectors/track, \\d+ heads",
      "\\s*\\d+ hidden sectors",
      "\\s*\\d+ sectors total",
      "Checking for unused clusters\\.",
      "Checking free cluster summary\\.",
      ".*: \\d+ files, \\d+/\\d+ clusters").map(Pattern::compile).toList();

  private static final int TIMEOUT_SECONDS = 60;

  private FatJudges() {}

  /**
   * Runs a tool with no input; stdout and stderr together. Fails the test if the tool runs past a minute:
   * fsck.fat 4.2 spins forever on some damage (a cluster chain running into the next file's).
   */
  static Out run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    CompletableFuture<String> text = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      fail(String.join(" ", cmd) + " did not finish in " + TIMEOUT_SECONDS + " s");
    }
    return new Out(p.exitValue(), text.get());
  }

  /**
   * {@code fsck.fat -n -v} exits 0, prints only what it prints for a clean filesystem, and counts every path of
   * the tree as a file and the result's clusters.
   */
  static void assertFsckClean(Path img, FsTree tree, FatResult r) throws Exception {
    Out fsck = run("fsck.fat", "-n", "-v", img.toString());
    assertEquals(0, fsck.code(), fsck.text());
    for (String line : fsck.text().split("\n")) {
      assertTrue(FSCK_CLEAN_LINES.stream().anyMatch(p -> p.matcher(line).matches()),
          "fsck.fat said \"" + line + "\":\n" + fsck.text());
    }
    long used = r.clusters() - r.freeClusters();
    assertTrue(fsck.text().contains(": " + tree.size() + " files, " + used + "/" + r.clusters() + " clusters"),
        fsck.text());
    assertEquals(r.bytesPerCluster(), fsckNumber(fsck.text(), "(\\d+) bytes per cluster"));
    assertEquals(r.fatSectors(), fsckNumber(fsck.text(), "bytes per FAT \\(= (\\d+) sectors\\)"));
    assertEquals(r.clusters(), fsckNumber(fsck.text(), "(\\d+) data clusters"));
  }

  static long fsckNumber(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), regex + " in\n" + text);
    return Long.parseLong(m.group(1));
  }

  /**
   * {@code mdir -/ -b} lists exactly the tree's paths, directories with a trailing slash, in the tree's order: a
   * directory's entries as stored, then each subdirectory's listing.
   */
  static void assertMdirListsTree(String image, FsTree tree) throws Exception {
    Out mdir = run("mdir", "-/", "-b", "-i", image, "::");
    assertEquals(0, mdir.code(), mdir.text());
    List<String> expected = new ArrayList<>();
    listing(tree, FsPath.ROOT, expected);
    assertEquals(expected, mdir.text().lines().toList());
  }

  private static void listing(FsTree tree, FsPath dir, List<String> out) {
    for (String name : tree.children(dir)) {
      FsPath p = dir.resolve(name);
      out.add("::" + p + (tree.get(p).orElseThrow() instanceof FsNode.Directory ? "/" : ""));
    }
    for (String name : tree.children(dir)) {
      if (tree.get(dir.resolve(name)).orElseThrow() instanceof FsNode.Directory) {
        listing(tree, dir.resolve(name), out);
      }
    }
  }

  /** {@code mcopy} gives back every file's bytes. */
  static void assertMcopyGivesContents(String image, FsTree tree, Path scratch) throws Exception {
    Path out = scratch.resolve("mcopy.out");
    for (Map.Entry<FsPath, FsNode> e : tree.entries().entrySet()) {
      if (e.getValue() instanceof FsNode.RegularFile f) {
        Files.deleteIfExists(out);
        Out mcopy = run("mcopy", "-n", "-i", image, "::" + e.getKey(), out.toString());
        assertEquals(0, mcopy.code(), mcopy.text());
        assertEquals(-1L, Files.mismatch(out, f.blob().location()), "content of " + e.getKey());
      }
    }
  }

  /** {@code minfo}'s "key: value" and "key=value" lines; values as printed, quotes included. */
  static Map<String, String> minfo(String image) throws Exception {
    Out minfo = run("minfo", "-i", image, "::");
    assertEquals(0, minfo.code(), minfo.text());
    Map<String, String> m = new HashMap<>();
    Matcher line = Pattern.compile("(?m)^([^:=\\n]+?)\\s*[:=]\\s*(.*)$").matcher(minfo.text());
    while (line.find()) {
      m.putIfAbsent(line.group(1).trim(), line.group(2));
    }
    return m;
  }
}

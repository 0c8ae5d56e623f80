package io.cosbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code cosbuild fs squashfs ARCHIVE.tar OUT}: owners, modes, hard links and xattrs come from the
 * archive (what lets a non-root user build a root-owned image), judged by unsquashfs and getfattr.
 */
class FsSquashfsTarIT {

  @TempDir Path dir;

  static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " did not finish");
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
    return out;
  }

  /** The {@code unsquashfs -lln} line of {@code path}, split on blanks. */
  static String[] listed(String listing, String path) {
    return listing.lines().filter(l -> l.endsWith(" " + path)).findFirst()
        .orElseThrow(() -> new AssertionError(path + " is not in the image:\n" + listing)).trim().split("\\s+");
  }

  @Test
  void tarOwnersModesLinksAndXattrsReachTheImage() throws Exception {
    Path tar = dir.resolve("in.tar");
    byte[] cap = {1, 0, 0, 2, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    try (OutputStream o = Files.newOutputStream(tar); TarArchiveOutputStream t = new TarArchiveOutputStream(o)) {
      t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      TarArchiveEntry d = new TarArchiveEntry("./usr/", TarConstants.LF_DIR);
      d.setMode(040755);
      t.putArchiveEntry(d);
      t.closeArchiveEntry();
      byte[] body = "#!/bin/sh\necho ping\n".getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry f = new TarArchiveEntry("./usr/ping");
      f.setMode(0104755);
      f.setUserId(70000);
      f.setGroupId(5);
      f.setSize(body.length);
      f.addPaxHeader("SCHILY.xattr.security.capability", new String(cap, StandardCharsets.ISO_8859_1));
      f.addPaxHeader("SCHILY.xattr.user.origin", "tar");
      t.putArchiveEntry(f);
      t.write(body);
      t.closeArchiveEntry();
      TarArchiveEntry h = new TarArchiveEntry("./usr/pong", TarConstants.LF_LINK);
      h.setLinkName("./usr/ping");
      t.putArchiveEntry(h);
      t.closeArchiveEntry();
    }
    Path img = dir.resolve("out.sqfs");
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new FsSquashfsCommand());
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err));
    assertEquals(0, cl.execute(tar.toString(), img.toString(), "--comp", "xz", "--source-date-epoch", "10"), err.toString());

    String listing = run("unsquashfs", "-lln", "-d", "", img.toString());
    assertEquals("-rwsr-xr-x", listed(listing, "/usr/ping")[0]);
    assertEquals("70000/5", listed(listing, "/usr/ping")[1]);
    assertEquals("70000/5", listed(listing, "/usr/pong")[1]);
    Path out = dir.resolve("x");
    run("unsquashfs", "-d", out.toString(), img.toString());
    String attrs = run("getfattr", "-d", "-m", "-", "-e", "hex", "--absolute-names", out.resolve("usr/ping").toString());
    assertTrue(attrs.contains("security.capability=0x0100000220000000000000000000000000000000"), attrs);
    assertTrue(attrs.contains("user.origin=0x746172"), attrs);
    assertEquals(Files.readAttributes(out.resolve("usr/ping"), "unix:ino").get("ino"),
        Files.readAttributes(out.resolve("usr/pong"), "unix:ino").get("ino"), "hard link extracted as one inode");
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of("in.tar", "out.sqfs", "x"), s.map(p -> p.getFileName().toString()).sorted().toList(),
          "no staging directory or temporary file is left next to the image");
    }
  }
}

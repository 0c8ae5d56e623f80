package io.cosbuild.rootfs.squashfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** From a tar archive: owners, modes, hard links and xattrs come from the archive. */
class SquashfsBuildIT {

  @TempDir Path dir;

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
    SquashfsResult r = SquashfsBuild.fromSource(tar, img,
        SquashfsOptions.of(Compression.XZ).withSourceDateEpoch(OptionalLong.of(10)));
    assertEquals(3, r.inodes());
    Map<String, String[]> l = io.cosbuild.rootfs.testutil.FsJudges.parseListing(SquashfsWriterIT.run("unsquashfs", "-lln", "-d", "", img.toString()));
    assertEquals("-rwsr-xr-x", l.get("/usr/ping")[0]);
    assertEquals("70000/5", l.get("/usr/ping")[1]);
    assertEquals("70000/5", l.get("/usr/pong")[1]);
    Path out = dir.resolve("x");
    SquashfsWriterIT.run("unsquashfs", "-d", out.toString(), img.toString());
    String attrs = SquashfsWriterIT.run("getfattr", "-d", "-m", "-", "-e", "hex", "--absolute-names",
        out.resolve("usr/ping").toString());
    assertTrue(attrs.contains("security.capability=0x0100000220000000000000000000000000000000"), attrs);
    assertTrue(attrs.contains("user.origin=0x746172"), attrs);
    assertEquals(Files.readAttributes(out.resolve("usr/ping"), "unix:ino").get("ino"),
        Files.readAttributes(out.resolve("usr/pong"), "unix:ino").get("ino"), "hard link extracted as one inode");
    try (var s = Files.list(dir)) {
      assertEquals(3, s.count(), "no staging directory or temporary file is left next to the image");
    }
  }
}

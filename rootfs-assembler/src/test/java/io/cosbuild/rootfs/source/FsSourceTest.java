package io.cosbuild.rootfs.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.TreeException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FsSourceTest {

  @TempDir Path tmp;

  private Path tarWithXattr(String name, String value) throws Exception {
    Path tar = tmp.resolve("x.tar");
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(tar))) {
      TarArchiveEntry f = new TarArchiveEntry("etc/f");
      f.setSize(1);
      f.addPaxHeader("SCHILY.xattr." + name, value);
      out.putArchiveEntry(f);
      out.write('x');
      out.closeArchiveEntry();
    }
    return tar;
  }

  /** An archive's xattr that Linux could not hold is bad input (exit 2 in the CLI), named by its path. */
  @Test
  void aTarXattrBeyondLinuxLimitsIsRefusedNamingThePath() throws Exception {
    TreeException e = assertThrows(TreeException.class,
        () -> FsSource.read(tarWithXattr("user.", "v"), tmp.resolve("blobs")));
    assertEquals("/etc/f: xattr 'user.' has an empty name after its namespace", e.getMessage());
    e = assertThrows(TreeException.class,
        () -> FsSource.read(tarWithXattr("user.big", "v".repeat(65537)), tmp.resolve("blobs2")));
    assertEquals("/etc/f: xattr 'user.big' has a value of 65537 bytes, larger than 65536 (Linux's XATTR_SIZE_MAX)",
        e.getMessage());
    // At the limit is fine.
    assertEquals(1, FsSource.read(tarWithXattr("user.max", "v".repeat(65536)), tmp.resolve("blobs3"))
        .get(FsPath.parse("/etc/f")).orElseThrow().metadata().xattrs().size());
  }
}

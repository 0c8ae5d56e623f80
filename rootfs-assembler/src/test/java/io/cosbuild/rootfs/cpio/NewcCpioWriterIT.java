package io.cosbuild.rootfs.cpio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cosbuild.rootfs.tree.BlobStore;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GNU cpio is the judge: it lists and extracts what the writer wrote. */
class NewcCpioWriterIT {

  @TempDir Path dir;

  @Test
  void gnuCpioListsAndExtractsTheArchive() throws Exception {
    BlobStore store = BlobStore.open(dir.resolve("blobs"));
    Path archive = dir.resolve("a.cpio");
    try (OutputStream out = Files.newOutputStream(archive)) {
      NewcCpioWriter.write(NewcCpioWriterTest.sample(store, List.of(0, 1, 2, 3), 7), 1_700_000_000L, out);
    }
    String listing = sh("cpio -it --quiet -v < " + archive);
    assertEquals(List.of(".", "bin", "bin/busybox", "bin/sh", "dev", "dev/console", "etc", "etc/a b", "init"),
        sh("cpio -it --quiet < " + archive).lines().toList());
    // -v: owner root root, fixed date, the device numbers and the link target as GNU cpio sees them
    String consoleLine = listing.lines().filter(l -> l.endsWith("dev/console")).findFirst().orElseThrow();
    assertEquals("crw-------", consoleLine.substring(0, 10));
    org.junit.jupiter.api.Assertions.assertTrue(consoleLine.matches(".* root +root +5, +1 .*"), consoleLine);
    org.junit.jupiter.api.Assertions.assertTrue(listing.contains("bin/sh -> busybox"), listing);

    Path x = Files.createDirectory(dir.resolve("x"));
    sh("cd " + x + " && cpio -idm --quiet --no-absolute-filenames < " + archive);
    assertEquals("#!/bin/sh\necho hi\n", Files.readString(x.resolve("init")));
    assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(x.resolve("init"))));
    assertEquals("x".repeat(5000), Files.readString(x.resolve("bin/busybox")));
    assertEquals(0, Files.size(x.resolve("etc/a b")));
    assertEquals("busybox", Files.readSymbolicLink(x.resolve("bin/sh")).toString());
    assertEquals(1_700_000_000L, Files.getLastModifiedTime(x.resolve("init")).toMillis() / 1000);
  }

  static String sh(String cmd) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), cmd + "\n" + out);
    return out;
  }
}

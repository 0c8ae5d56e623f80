package io.cosbuild.rootfs.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.TreeException;
import io.cosbuild.rootfs.tree.Xattr;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TarSource} on archives GNU tar makes: what it stores must come out byte for byte, or be refused. */
class TarSourceIT {

  @TempDir Path tmp;

  private static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
  }

  private FsTree read(Path tar) throws Exception {
    return TarSource.read(tar, BlobStore.open(tmp.resolve("blobs")));
  }

  @Test
  void binaryAndEmptyXattrValuesKeepTheirBytes() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path f = Files.writeString(src.resolve("ping"), "hi\n");
    // Not valid UTF-8 (as a capability with bit 7 set is not): decoded as text it would change.
    run("setfattr", "-n", "user.bin", "-v", "0x0100000281ff00fe00", f.toString());
    run("setfattr", "-n", "user.empty", f.toString());
    Path tar = tmp.resolve("x.tar");
    run("tar", "--xattrs", "--xattrs-include=*", "--format=pax", "-C", src.toString(), "-cf", tar.toString(), "ping");
    FsNode node = read(tar).get(FsPath.parse("/ping")).orElseThrow();
    Map<String, byte[]> x = node.metadata().xattrs().stream().collect(Collectors.toMap(Xattr::name, Xattr::value));
    assertEquals(List.of("user.bin", "user.empty"), new ArrayList<>(new java.util.TreeSet<>(x.keySet())));
    assertArrayEquals(new byte[] {1, 0, 0, 2, (byte) 0x81, (byte) 0xff, 0, (byte) 0xfe, 0}, x.get("user.bin"));
    assertArrayEquals(new byte[0], x.get("user.empty"));
  }

  @Test
  void namesThatAreNotUtf8AreRefusedNotMerged() throws Exception {
    // Two names that would both decode to U+FFFD: one file would silently replace the other.
    Path src = Files.createDirectories(tmp.resolve("src"));
    String shell = "printf one > \"$1\"/$(printf '\\377'); printf two > \"$1\"/$(printf '\\376')";
    run("sh", "-c", shell, "sh", src.toString());
    for (String format : List.of("pax", "gnu")) {
      Path tar = tmp.resolve(format + ".tar");
      run("tar", "--format=" + format, "-C", src.toString(), "-cf", tar.toString(), ".");
      TreeException e = assertThrows(TreeException.class, () -> read(tar), format);
      assertTrue(e.getMessage().contains("is not valid UTF-8") && e.getMessage().matches("(?s).*\\\\x(ff|fe).*"),
          format + ": " + e.getMessage());
    }
  }

  @Test
  void incrementalArchivesAreRefused() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src/sub"));
    Files.writeString(src.resolve("b"), "b\n");
    Path tar = tmp.resolve("incr.tar");
    run("tar", "--format=gnu", "--listed-incremental=" + tmp.resolve("snar"), "-C", tmp.resolve("src").toString(),
        "-cf", tar.toString(), ".");
    TreeException e = assertThrows(TreeException.class, () -> read(tar));
    assertTrue(e.getMessage().contains("GNU incremental dump-directory entry"), e.getMessage());
  }
}

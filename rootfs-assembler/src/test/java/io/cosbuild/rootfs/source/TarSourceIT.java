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

/** {@link TarSource} on archives GNU tar and bsdtar make: what they store must come out byte for byte, or be refused. */
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

  /**
   * GNU tar's sparse members, in each form it writes them: the content comes out byte for byte, and the
   * holes stay holes in the store (so neither the staging directory nor the writers pay for them).
   */
  @Test
  void sparseMembersKeepTheirContentAndTheirHoles() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("sparse-src"));
    Path f = src.resolve("disk.img");
    try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
      raf.write("start".getBytes(StandardCharsets.UTF_8));
      raf.seek(40 << 20);
      raf.write("middle".getBytes(StandardCharsets.UTF_8));
      raf.setLength(64 << 20);
    }
    String[][] forms = {{"--format=gnu"}, {"--format=oldgnu"}, {"--format=posix", "--sparse-version=0.0"},
        {"--format=posix", "--sparse-version=0.1"}, {"--format=posix", "--sparse-version=1.0"}};
    for (String[] form : forms) {
      Path tar = tmp.resolve("sparse" + String.join("", form).replace("-", "").replace("=", "") + ".tar");
      List<String> cmd = new ArrayList<>(List.of("tar", "--sparse"));
      cmd.addAll(List.of(form));
      cmd.addAll(List.of("-cf", tar.toString(), "-C", src.toString(), "disk.img"));
      run(cmd.toArray(new String[0]));
      assertTrue(Files.size(tar) < 1 << 20, "GNU tar stored the holes as holes");
      FsNode.RegularFile file = (FsNode.RegularFile) read(tar).get(FsPath.parse("/disk.img")).orElseThrow();
      assertEquals(-1, Files.mismatch(f, file.blob().location()), String.join(" ", form));
      assertTrue(io.cosbuild.rootfs.tree.HostHoles.of(file.blob().location(), 64 << 20).isHole(1 << 20, 39 << 20),
          String.join(" ", form) + ": the store keeps the hole");
    }
  }

  /**
   * GNU tar records a second name of a symlink or a fifo as a hard link: each name becomes a node like the
   * first (a directory source gives them so too), a second name of a file shares its inode.
   */
  @Test
  void hardLinksToSymlinksAndFifosBecomeNodesOfTheirOwn() throws Exception {
    Path d = Files.createDirectories(tmp.resolve("links/d"));
    Files.writeString(d.resolve("f"), "data");
    Files.createSymbolicLink(d.resolve("sym"), Path.of("f"));
    run("mkfifo", d.resolve("fifo").toString());
    Files.createLink(d.resolve("hf"), d.resolve("f"));
    run("ln", d.resolve("sym").toString(), d.resolve("hsym").toString());
    run("ln", d.resolve("fifo").toString(), d.resolve("hfifo").toString());
    Path tar = tmp.resolve("links.tar");
    run("tar", "-cf", tar.toString(), "-C", tmp.resolve("links").toString(), "d");
    FsTree t = read(tar);
    assertEquals("f", ((FsNode.Symlink) t.get(FsPath.parse("/d/sym")).orElseThrow()).target());
    assertEquals("f", ((FsNode.Symlink) t.get(FsPath.parse("/d/hsym")).orElseThrow()).target());
    assertTrue(t.get(FsPath.parse("/d/hfifo")).orElseThrow() instanceof FsNode.Fifo);
    FsNode.RegularFile f = (FsNode.RegularFile) t.get(FsPath.parse("/d/f")).orElseThrow();
    assertEquals(2, t.linkCount(f));
  }

  /** Not valid UTF-8 (as a capability with bit 7 set is not): decoded as text it would change. */
  private static final byte[] BINARY = {1, 0, 0, 2, (byte) 0x81, (byte) 0xff, 0, (byte) 0xfe, 0};

  /** src/ping with a binary and an empty xattr, and {@code more} (name, value) ones; returns src. */
  private Path fileWithXattrs(String... more) throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path f = Files.writeString(src.resolve("ping"), "hi\n");
    run("setfattr", "-n", "user.bin", "-v", "0x" + java.util.HexFormat.of().formatHex(BINARY), f.toString());
    run("setfattr", "-n", "user.empty", f.toString());
    for (int i = 0; i < more.length; i += 2) {
      run("setfattr", "-n", more[i], "-v", more[i + 1], f.toString());
    }
    return src;
  }

  /** The xattrs of /ping in {@code tar}, checked to be {@link #fileWithXattrs}'s binary and empty ones and {@code more}. */
  private void assertXattrsOfPing(Path tar, String... more) throws Exception {
    FsNode node = read(tar).get(FsPath.parse("/ping")).orElseThrow();
    Map<String, byte[]> x = node.metadata().xattrs().stream().collect(Collectors.toMap(Xattr::name, Xattr::value));
    java.util.TreeSet<String> names = new java.util.TreeSet<>(List.of("user.bin", "user.empty"));
    for (int i = 0; i < more.length; i += 2) {
      names.add(more[i]);
      assertArrayEquals(more[i + 1].getBytes(StandardCharsets.UTF_8), x.get(more[i]), more[i]);
    }
    assertEquals(new ArrayList<>(names), new ArrayList<>(new java.util.TreeSet<>(x.keySet())));
    assertArrayEquals(BINARY, x.get("user.bin"));
    assertArrayEquals(new byte[0], x.get("user.empty"));
  }

  @Test
  void binaryAndEmptyXattrValuesKeepTheirBytes() throws Exception {
    Path src = fileWithXattrs();
    Path tar = tmp.resolve("x.tar");
    run("tar", "--xattrs", "--xattrs-include=*", "--format=pax", "-C", src.toString(), "-cf", tar.toString(), "ping");
    assertXattrsOfPing(tar);
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

  @Test
  void bsdtarsLibarchiveXattrRecordsAreRead() throws Exception {
    String[] named = {"user.a=b c", "hello"}; // a name libarchive URL-encodes
    Path src = fileWithXattrs(named);
    // LIBARCHIVE records only, as bsdtar writes with this option; both kinds of record, its default.
    for (String header : List.of("LIBARCHIVE", "ALL")) {
      Path tar = tmp.resolve(header + ".tar");
      run("bsdtar", "--xattrs", "--format", "pax", "--options", "xattrheader=" + header, "-C", src.toString(), "-cf",
          tar.toString(), "ping");
      assertXattrsOfPing(tar, named);
    }
  }

  @Test
  void aGnuVolumeLabelAtTheStartIsSkipped() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src/etc"));
    Files.writeString(src.resolve("hostname"), "cos\n");
    Path tar = tmp.resolve("labelled.tar");
    run("tar", "--format=gnu", "-V", "rootfs 2024-06-01", "-C", tmp.resolve("src").toString(), "-cf", tar.toString(), "etc");
    FsTree t = read(tar);
    assertEquals(List.of("/", "/etc", "/etc/hostname"), t.entries().keySet().stream().map(FsPath::value).sorted().toList());
    FsNode.RegularFile f = (FsNode.RegularFile) t.get(FsPath.parse("/etc/hostname")).orElseThrow();
    assertEquals("cos\n", new String(f.blob().readAllBytes(), StandardCharsets.UTF_8));
  }
}

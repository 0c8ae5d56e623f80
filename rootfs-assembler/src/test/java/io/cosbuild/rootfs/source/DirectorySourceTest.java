package io.cosbuild.rootfs.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.TreeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectorySourceTest {

  @TempDir Path tmp;

  /** Enough entries that one directory is scanned by several parallel tasks, and nested levels. */
  private Path sampleTree() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path wide = Files.createDirectories(src.resolve("usr/share/wide"));
    for (int i = 0; i < 300; i++) {
      Files.writeString(wide.resolve(String.format("f%03d", i)), i % 3 == 0 ? "" : "content " + i);
    }
    Path bin = Files.createDirectories(src.resolve("usr/bin"));
    Files.writeString(bin.resolve("tool"), "#!/bin/true\n");
    Files.setPosixFilePermissions(bin.resolve("tool"), PosixFilePermissions.fromString("rwxr-x---"));
    // Hard links whose names sort differently from their creation order.
    Files.writeString(bin.resolve("zz-original"), "shared bytes");
    Files.createLink(bin.resolve("aa-link"), bin.resolve("zz-original"));
    Files.createLink(src.resolve("usr/share/mm-link"), bin.resolve("zz-original"));
    Files.createSymbolicLink(src.resolve("usr/sbin"), Path.of("bin"));
    Files.createSymbolicLink(src.resolve("dangling"), Path.of("/nowhere/at/all"));
    Files.createDirectories(src.resolve("empty/dir/deep"));
    return src;
  }

  /** What is left out goes with everything below it; a path that does not exist is no error. */
  @Test
  void leftOutPathsAreNotRead() throws Exception {
    Path src = sampleTree();
    Path staging = Files.createDirectories(src.resolve("usr/.staging/inner"));
    Files.writeString(staging.resolve("half-written.img"), "partial");
    Path out = Files.writeString(src.resolve("out.img"), "last image");
    FsTree tree = DirectorySource.readInPlace(src, false,
        List.of(src.resolve("usr/.staging"), out, tmp.resolve("no-such-file")));
    FsTree whole = DirectorySource.readInPlace(src, false);
    List<String> missing = new ArrayList<>();
    for (FsPath p : whole.entries().keySet()) {
      if (!tree.contains(p)) {
        missing.add(p.toString());
      }
    }
    assertEquals(List.of("/out.img", "/usr/.staging", "/usr/.staging/inner", "/usr/.staging/inner/half-written.img"),
        missing.stream().sorted().toList());
    assertEquals(whole.size() - 4, tree.size());
  }

  @Test
  void readsEveryEntryWithTypeModeAndContent() throws Exception {
    Path src = sampleTree();
    FsTree tree = DirectorySource.read(src, BlobStore.open(tmp.resolve("blobs")));

    List<String> expected = new ArrayList<>();
    try (var walk = Files.walk(src)) {
      walk.filter(p -> !p.equals(src)).forEach(p -> expected.add(src.relativize(p).toString()));
    }
    List<String> actual = new ArrayList<>();
    tree.entries().keySet().stream().filter(p -> !p.equals(FsPath.ROOT)).forEach(p -> actual.add(p.toString().substring(1)));
    expected.sort(null);
    actual.sort(null);
    assertEquals(expected, actual);

    FsNode.RegularFile tool = assertInstanceOf(FsNode.RegularFile.class, tree.get(FsPath.parse("usr/bin/tool")).orElseThrow());
    assertEquals(0750, tool.metadata().permissions());
    assertEquals("#!/bin/true\n", new String(tool.blob().readAllBytes(), StandardCharsets.UTF_8));
    FsNode.RegularFile f7 = (FsNode.RegularFile) tree.get(FsPath.parse("usr/share/wide/f007")).orElseThrow();
    assertEquals("content 7", new String(f7.blob().readAllBytes(), StandardCharsets.UTF_8));
    FsNode.RegularFile f9 = (FsNode.RegularFile) tree.get(FsPath.parse("usr/share/wide/f009")).orElseThrow();
    assertEquals(0, f9.blob().size());
    assertEquals("bin", ((FsNode.Symlink) tree.get(FsPath.parse("usr/sbin")).orElseThrow()).target());
    assertEquals("/nowhere/at/all", ((FsNode.Symlink) tree.get(FsPath.parse("dangling")).orElseThrow()).target());
    assertInstanceOf(FsNode.Directory.class, tree.get(FsPath.parse("empty/dir/deep")).orElseThrow());
  }

  @Test
  void userXattrsOfFilesAndDirectoriesAreRead() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("xattrs"));
    Path file = Files.writeString(src.resolve("file"), "x");
    Path sub = Files.createDirectories(src.resolve("sub"));
    Files.writeString(src.resolve("plain"), "y");
    try {
      setXattr(file, "origin", "host \u00e9".getBytes(StandardCharsets.UTF_8));
      setXattr(file, "empty", new byte[0]);
      setXattr(sub, "mime_type", "inode/directory".getBytes(StandardCharsets.UTF_8));
    } catch (java.nio.file.FileSystemException e) {
      org.junit.jupiter.api.Assumptions.abort("SKIPPED: " + tmp + " does not take user xattrs: " + e.getReason());
    }
    for (FsTree tree : List.of(DirectorySource.readInPlace(src), DirectorySource.readInPlace(src, false))) {
      Map<String, String> f = xattrs(tree, "file");
      assertEquals(Map.of("user.origin", "host \u00e9", "user.empty", ""), f);
      assertEquals(Map.of("user.mime_type", "inode/directory"), xattrs(tree, "sub"));
      assertEquals(Map.of(), xattrs(tree, "plain"));
    }
  }

  /**
   * What the JDK's own view cannot see: a file capability (binary, as setcap writes it), trusted.*
   * (root only) on a directory, security.* on a symlink and on a fifo, which are read without being
   * followed or opened.
   */
  @Test
  void securityAndTrustedXattrsOfEveryKindOfNodeAreRead() throws Exception {
    Assumptions.assumeTrue(new com.sun.security.auth.module.UnixSystem().getUid() == 0,
        "SKIPPED: trusted.* xattrs need root");
    Path src = Files.createDirectories(tmp.resolve("privileged"));
    Path ping = Files.writeString(src.resolve("ping"), "\177ELF");
    Path dir = Files.createDirectories(src.resolve("dir"));
    Path link = Files.createSymbolicLink(src.resolve("link"), Path.of("ping"));
    Path fifo = src.resolve("fifo");
    run("mkfifo", fifo.toString());
    run("setcap", "cap_net_raw=ep", ping.toString());
    setfattr(ping, "user.origin", "0x6f6b");
    setfattr(dir, "trusted.overlay.opaque", "0x79");
    setfattr(link, "security.label", "0x00ff0a");
    setfattr(fifo, "security.label", "0x80");
    byte[] capability = getfattr(ping, "security.capability");
    assertEquals(20, capability.length, "a v2 capability");

    for (FsTree tree : List.of(DirectorySource.readInPlace(src), DirectorySource.read(src, BlobStore.open(tmp.resolve("b"))))) {
      var pingXattrs = tree.get(FsPath.parse("ping")).orElseThrow().metadata().xattrs();
      assertEquals(List.of("security.capability", "user.origin"), pingXattrs.stream().map(x -> x.name()).toList());
      assertArrayEquals(capability, pingXattrs.get(0).value());
      assertEquals(List.of(new io.cosbuild.rootfs.tree.Xattr("trusted.overlay.opaque", new byte[] {'y'})),
          tree.get(FsPath.parse("dir")).orElseThrow().metadata().xattrs());
      assertEquals(List.of(new io.cosbuild.rootfs.tree.Xattr("security.label", new byte[] {0, (byte) 0xff, '\n'})),
          tree.get(FsPath.parse("link")).orElseThrow().metadata().xattrs());
      assertEquals(List.of(new io.cosbuild.rootfs.tree.Xattr("security.label", new byte[] {(byte) 0x80})),
          tree.get(FsPath.parse("fifo")).orElseThrow().metadata().xattrs());
    }
  }

  private static void setfattr(Path p, String name, String hexValue) throws Exception {
    run("setfattr", "-h", "-n", name, "-v", hexValue, p.toString());
  }

  /** The value as getfattr reads it (--only-values prints it raw), the reference for what the kernel holds. */
  private static byte[] getfattr(Path p, String name) throws Exception {
    Process proc = new ProcessBuilder("getfattr", "-h", "--absolute-names", "--only-values", "-n", name, p.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    byte[] value = proc.getInputStream().readAllBytes();
    assertEquals(0, proc.waitFor(), "getfattr " + name + " " + p);
    return value;
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
    return out;
  }

  private static void setXattr(Path p, String name, byte[] value) throws java.io.IOException {
    Files.getFileAttributeView(p, java.nio.file.attribute.UserDefinedFileAttributeView.class)
        .write(name, java.nio.ByteBuffer.wrap(value));
  }

  private static Map<String, String> xattrs(FsTree tree, String path) {
    Map<String, String> m = new java.util.HashMap<>();
    for (var x : tree.get(FsPath.parse(path)).orElseThrow().metadata().xattrs()) {
      m.put(x.name(), new String(x.value(), StandardCharsets.UTF_8));
    }
    return m;
  }

  @Test
  void hardLinksShareOneInodeWhateverTheCreationOrder() throws Exception {
    FsTree tree = DirectorySource.readInPlace(sampleTree());
    FsNode.RegularFile a = (FsNode.RegularFile) tree.get(FsPath.parse("usr/bin/aa-link")).orElseThrow();
    FsNode.RegularFile m = (FsNode.RegularFile) tree.get(FsPath.parse("usr/share/mm-link")).orElseThrow();
    FsNode.RegularFile z = (FsNode.RegularFile) tree.get(FsPath.parse("usr/bin/zz-original")).orElseThrow();
    assertNotEquals(0, a.linkGroup());
    assertEquals(a.linkGroup(), m.linkGroup());
    assertEquals(a.linkGroup(), z.linkGroup());
    assertEquals(3, tree.linkCount(a));
    assertEquals("shared bytes", new String(z.blob().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void hundredsOfNamesOfOneInodeAcrossDirectoriesBecomeOneLinkGroup() throws Exception {
    // Spread over several directories and scan batches, so several threads meet the same inode at once.
    Path src = Files.createDirectories(tmp.resolve("links"));
    Path original = Files.write(src.resolve("original"), "one inode\n".repeat(5000).getBytes(StandardCharsets.UTF_8));
    for (int d = 0; d < 4; d++) {
      Path dir = Files.createDirectories(src.resolve("d" + d));
      for (int i = 0; i < 100; i++) {
        Files.createLink(dir.resolve("name-" + i), original);
      }
    }
    for (BlobStore store : new BlobStore[] {null, BlobStore.open(tmp.resolve("store"))}) {
      FsTree tree = store == null ? DirectorySource.readInPlace(src) : DirectorySource.read(src, store);
      FsNode.RegularFile first = (FsNode.RegularFile) tree.get(FsPath.parse("d0/name-0")).orElseThrow();
      assertEquals(401, tree.linkCount(first));
      for (int d = 0; d < 4; d++) {
        for (int i = 0; i < 100; i += 33) {
          FsNode.RegularFile f = (FsNode.RegularFile) tree.get(FsPath.parse("d" + d + "/name-" + i)).orElseThrow();
          assertEquals(first.linkGroup(), f.linkGroup());
          assertEquals(first.blob().sha256(), f.blob().sha256());
        }
      }
      assertEquals("one inode\n".repeat(5000), new String(first.blob().readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void linkGroupsAreNumberedInPathOrderAndAnInodeWithOneNameInsideIsAPlainFile() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("groups"));
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.createDirectories(src.resolve("a"));
    Files.createDirectories(src.resolve("z"));
    Path late = Files.writeString(src.resolve("z/late"), "late");
    Files.createLink(src.resolve("z/late-too"), late);
    Path early = Files.writeString(src.resolve("a/early"), "early");
    Files.createLink(src.resolve("z/early-too"), early);
    Path solo = Files.writeString(src.resolve("a/solo"), "solo");
    Files.createLink(outside.resolve("solo-elsewhere"), solo);
    FsTree tree = DirectorySource.readInPlace(src);
    assertEquals(1, ((FsNode.RegularFile) tree.get(FsPath.parse("z/early-too")).orElseThrow()).linkGroup());
    assertEquals(2, ((FsNode.RegularFile) tree.get(FsPath.parse("z/late-too")).orElseThrow()).linkGroup());
    FsNode.RegularFile s = (FsNode.RegularFile) tree.get(FsPath.parse("a/solo")).orElseThrow();
    assertEquals(0, s.linkGroup());
    assertEquals(1, tree.linkCount(s));
  }

  @Test
  void sameDirectoryGivesTheSameTreeEveryTimeAndInPlaceMatchesCopied() throws Exception {
    Path src = sampleTree();
    FsTree first = DirectorySource.readInPlace(src);
    for (int i = 0; i < 3; i++) {
      assertEquals(describe(first), describe(DirectorySource.readInPlace(src)));
    }
    assertEquals(describe(first), describe(DirectorySource.read(src, BlobStore.open(tmp.resolve("blobs")))));
  }

  @Test
  void aVeryDeepTreeIsReadWithoutExhaustingAThreadStack() throws Exception {
    // Not in @TempDir: JUnit's clean-up takes over a minute on a tree this deep; rm -rf does not.
    Path src = Files.createTempDirectory("cosbuild-deep-tree");
    try {
      Path leaf = Files.createDirectories(src.resolve("d/".repeat(1800)));
      Files.writeString(leaf.resolve("leaf"), "x");
      FsTree tree = DirectorySource.readInPlace(src);
      assertEquals(1 + 1800 + 1, tree.size());
      assertTrue(tree.contains(FsPath.parse("d/".repeat(1800) + "leaf")));
    } finally {
      new ProcessBuilder("rm", "-rf", src.toString()).inheritIO().start().waitFor();
    }
  }

  @Test
  void unreadableSourceIsAnIoErrorNamingThePath() throws Exception {
    Path missing = tmp.resolve("no-such-dir");
    var e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> DirectorySource.readInPlace(missing));
    assertTrue(e.getMessage().contains("no-such-dir"), e.getMessage());
  }

  /** Runs {@code script} with sh in {@code dir}: names made byte for byte, whatever the JVM's locale. */
  private static void sh(Path dir, String script) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", script).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), script + ": " + out);
  }

  private static final String NOT_UTF8 = "(is not valid UTF-8|cannot be read as UTF-8: the locale is not UTF-8).*";

  /** Two names the JVM decodes to the same U+FFFD: neither one entry for both nor a silent loss. */
  @Test
  void namesThatAreNotUtf8AreRefusedNamingThePath() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("latin1"));
    sh(src, "printf one > \"$(printf '\\377')\"; printf two > \"$(printf '\\376')\"; printf ok > plain");
    TreeException e = assertThrows(TreeException.class, () -> DirectorySource.readInPlace(src));
    assertTrue(e.getMessage().matches(java.util.regex.Pattern.quote(src + "/") + ".: file name " + NOT_UTF8),
        e.getMessage());

    Path links = Files.createDirectories(tmp.resolve("links"));
    sh(links, "ln -s \"caf$(printf '\\351')\" link");
    e = assertThrows(TreeException.class, () -> DirectorySource.readInPlace(links));
    assertTrue(e.getMessage().matches(java.util.regex.Pattern.quote(links + "/link: symlink target ") + NOT_UTF8),
        e.getMessage());
  }

  /** Valid UTF-8 is kept byte for byte, also a name that really holds U+FFFD (find is the judge). */
  @Test
  void utf8NamesAndTargetsAreKeptByteForByte() throws Exception {
    Assumptions.assumeTrue("UTF-8".equals(System.getProperty("sun.jnu.encoding")),
        "SKIPPED: the JVM's locale is not UTF-8");
    Path src = Files.createDirectories(tmp.resolve("utf8"));
    sh(src, "mkdir \"$(printf 'caf\\303\\251')\" && printf x > \"$(printf 'caf\\303\\251/\\357\\277\\275')\""
        + " && ln -s \"$(printf 'caf\\303\\251')\" link");
    Process find = new ProcessBuilder("find", ".", "-mindepth", "1", "-printf", "/%P -> %l\\n").directory(src.toFile())
        .start();
    // Decoded strictly: a byte that is not UTF-8 fails here rather than compare as U+FFFD.
    String listing = StandardCharsets.UTF_8.newDecoder()
        .decode(java.nio.ByteBuffer.wrap(find.getInputStream().readAllBytes())).toString();
    assertEquals(0, find.waitFor());
    FsTree tree = DirectorySource.readInPlace(src);
    List<String> ours = new ArrayList<>();
    for (Map.Entry<FsPath, FsNode> e : tree.entries().entrySet()) {
      if (!e.getKey().isRoot()) {
        ours.add(e.getKey() + " -> " + (e.getValue() instanceof FsNode.Symlink l ? l.target() : ""));
      }
    }
    assertEquals(listing.lines().sorted().toList(), ours.stream().sorted().toList());
    assertTrue(tree.contains(FsPath.parse("/caf\u00e9/\ufffd")), ours.toString());
  }

  /** The JDK gives uid_t as an int; chown(1) sets the real ids. */
  @Test
  void ownersAboveTheLargestSignedIntAreRefusedWithTheRealId() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("ids"));
    Path a = Files.writeString(src.resolve("a"), "x");
    for (String owner : new String[] {"3000000000:0", "0:4294967294"}) {
      Process chown = new ProcessBuilder("chown", owner, a.toString()).redirectErrorStream(true).start();
      String out = new String(chown.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      Assumptions.assumeTrue(chown.waitFor() == 0, "SKIPPED: chown needs root: " + out);
      TreeException e = assertThrows(TreeException.class, () -> DirectorySource.readInPlace(src));
      String id = owner.startsWith("0:") ? "gid 4294967294" : "uid 3000000000";
      assertEquals(a + ": " + id + " is above 2147483647, the largest cosbuild supports", e.getMessage());
    }
  }

  /** Everything but where a blob lives: path, type, mode, owner, content digest, link group. */
  private static String describe(FsTree tree) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<FsPath, FsNode> e : tree.entries().entrySet()) {
      FsNode n = e.getValue();
      sb.append(e.getKey()).append(' ').append(n.getClass().getSimpleName()).append(' ')
          .append(Integer.toOctalString(n.metadata().permissions())).append(' ')
          .append(n.metadata().uid()).append(':').append(n.metadata().gid());
      if (n instanceof FsNode.RegularFile f) {
        sb.append(' ').append(f.blob().sha256()).append(' ').append(f.blob().size()).append(" g").append(f.linkGroup());
      } else if (n instanceof FsNode.Symlink s) {
        sb.append(" -> ").append(s.target());
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}

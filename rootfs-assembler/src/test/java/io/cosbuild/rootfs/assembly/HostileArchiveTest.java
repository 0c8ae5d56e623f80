package io.cosbuild.rootfs.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.rootfs.dpkg.DebFile;
import io.cosbuild.rootfs.dpkg.PackageContent;
import io.cosbuild.rootfs.dpkg.PackageException;
import io.cosbuild.rootfs.testutil.TestDebs;
import io.cosbuild.rootfs.testutil.TestDebs.Entry;
import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.NodeMetadata;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and broken packages: each must fail with an error naming the package, and nothing may
 * be written anywhere but the blob store ("the cache").
 */
class HostileArchiveTest {

  @TempDir Path dir;
  Path debs;
  Path cache;
  BlobStore store;

  @BeforeEach
  void setUp() throws Exception {
    debs = Files.createDirectories(dir.resolve("debs"));
    cache = dir.resolve("cache");
    store = BlobStore.open(cache);
    // Bait: a path traversal would land here (dir/etc/...) or in the cwd.
    Files.createDirectories(dir.resolve("work"));
  }

  @AfterEach
  void nothingOutsideTheCache() throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      List<Path> stray = s.filter(p -> !p.startsWith(cache) && !p.startsWith(debs) && !p.equals(dir)
          && !p.equals(dir.resolve("work"))).toList();
      assertEquals(List.of(), stray, "files written outside the cache");
    }
    assertTrue(Files.notExists(Path.of("etc", "evil")) && Files.notExists(Path.of("/tmp/evil-cosbuild")));
  }

  FsTree extract(Map<FsPath, String> overrides, Path... files) throws Exception {
    List<PackageContent> pkgs = new ArrayList<>();
    for (Path f : files) {
      pkgs.add(DebFile.read(f, null));
    }
    return PackageExtractor.extract(pkgs, List.of("bin", "sbin", "lib", "lib64"), overrides, store,
        NodeMetadata.of(0755, 0, 0, 0)).tree();
  }

  PackageException refused(TestDebs deb) throws Exception {
    Path f = deb.write(debs);
    return assertThrows(PackageException.class, () -> extract(Map.of(), f));
  }

  @Test
  void pathTraversalIsRefused() throws Exception {
    PackageException e = refused(new TestDebs("evil-traversal").add(Entry.dir("./etc/"),
        Entry.file("./etc/../../../tmp/evil-cosbuild", "x")));
    assertTrue(e.getMessage().startsWith("evil-traversal 1.0-1 (amd64): refusing"), e.getMessage());
    assertTrue(e.getMessage().contains(".."), e.getMessage());
  }

  @Test
  void absoluteEntryIsRefused() throws Exception {
    PackageException e = refused(new TestDebs("evil-absolute").add(Entry.file("/etc/evil", "x")));
    assertTrue(e.getMessage().contains("evil-absolute") && e.getMessage().contains("absolute"), e.getMessage());
  }

  @Test
  void writingThroughAnEscapingSymlinkIsRefused() throws Exception {
    PackageException e = refused(new TestDebs("evil-symlink").add(Entry.symlink("./usr/escape", "../../.."),
        Entry.file("./usr/escape/tmp/evil-cosbuild", "x")));
    assertTrue(e.getMessage().contains("evil-symlink") && e.getMessage().contains("above the image root"), e.getMessage());
  }

  @Test
  void absoluteSymlinkTargetsResolveInsideTheImage() throws Exception {
    // An absolute link is not an escape: it is followed inside the image, never on the host.
    Path f = new TestDebs("abs-link").add(Entry.symlink("./usr/etc-link", "/etc"),
        Entry.file("./usr/etc-link/evil", "x")).write(debs);
    FsTree t = extract(Map.of(), f);
    assertInstanceOf(FsNode.RegularFile.class, t.get(FsPath.parse("/etc/evil")).orElseThrow());
  }

  @Test
  void absoluteHardlinkTargetIsRefused() throws Exception {
    PackageException e = refused(new TestDebs("evil-hardlink").add(Entry.file("./a", "a"),
        Entry.hardlink("./b", "/etc/shadow")));
    assertTrue(e.getMessage().contains("evil-hardlink") && e.getMessage().contains("absolute"), e.getMessage());
  }

  @Test
  void deviceNodesAreRefused() throws Exception {
    // A world-writable copy of /dev/mem anywhere in the root would hand physical memory to every user.
    PackageException e = refused(new TestDebs("evil-device").add(Entry.dir("./usr/"),
        Entry.charDevice("./usr/mem", 1, 1, 0666)));
    assertTrue(e.getMessage().startsWith("evil-device 1.0-1 (amd64): refusing character device ./usr/mem (1:1)"),
        e.getMessage());
  }

  @Test
  void aNewlineInAPathIsRefused() throws Exception {
    // dpkg's .list files hold a path per line: this one would make the package own /etc/shadow.
    PackageException e = refused(new TestDebs("evil-newline").add(Entry.symlink("./usr/x\n/etc/shadow", "x")));
    assertTrue(e.getMessage().contains("evil-newline") && e.getMessage().contains("a newline in a path"), e.getMessage());
  }

  @Test
  void hardlinkToMissingTargetIsRefused() throws Exception {
    PackageException e = refused(new TestDebs("evil-missing").add(Entry.hardlink("./b", "./nothing")));
    assertTrue(e.getMessage().contains("evil-missing") && e.getMessage().contains("missing"), e.getMessage());
  }

  @Test
  void twoPackagesWritingDifferentContentNameBoth() throws Exception {
    Path a = new TestDebs("pkg-a").add(Entry.file("./bin/tool", "one")).write(debs);
    Path b = new TestDebs("pkg-b").add(Entry.file("./usr/bin/tool", "two")).write(debs);
    PackageException e = assertThrows(PackageException.class, () -> extract(Map.of(), a, b));
    // merged /usr: /bin/tool and /usr/bin/tool are one path
    assertTrue(e.getMessage().contains("/usr/bin/tool") && e.getMessage().contains("pkg-a")
        && e.getMessage().contains("pkg-b"), e.getMessage());
    FsTree t = extract(Map.of(FsPath.parse("/usr/bin/tool"), "pkg-b"), a, b);
    var f = (FsNode.RegularFile) t.get(FsPath.parse("/usr/bin/tool")).orElseThrow();
    assertEquals("two", new String(f.blob().readAllBytes(), StandardCharsets.UTF_8));
    FsTree t2 = extract(Map.of(FsPath.parse("/usr/bin/tool"), "pkg-a"), a, b);
    var f2 = (FsNode.RegularFile) t2.get(FsPath.parse("/usr/bin/tool")).orElseThrow();
    assertEquals("one", new String(f2.blob().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void aPackageThatReplacesAnotherMayOverwriteItsFiles() throws Exception {
    Path a = new TestDebs("old-tool").add(Entry.file("./usr/bin/tool", "one")).write(debs);
    Path b = new TestDebs("new-tool").control("Replaces", "other, old-tool (<< 2.0)")
        .add(Entry.file("./usr/bin/tool", "two")).write(debs);
    FsTree t = extract(Map.of(), a, b);
    var f = (FsNode.RegularFile) t.get(FsPath.parse("/usr/bin/tool")).orElseThrow();
    assertEquals("two", new String(f.blob().readAllBytes(), StandardCharsets.UTF_8));
    // Replaces works in one direction only: the earlier package cannot claim the later one's file.
    assertThrows(PackageException.class, () -> extract(Map.of(), b, a));
  }

  /** Archives are read on several threads, yet the error named is the first broken package's in install order. */
  @Test
  void theFirstBrokenPackageInInstallOrderIsNamed() throws Exception {
    Path a = new TestDebs("pkg-a").add(Entry.file("./usr/bin/tool", "one")).write(debs);
    Path b = new TestDebs("pkg-b").add(Entry.file("./usr/bin/tool", "two")).write(debs); // found while placing
    Path c = new TestDebs("bad-md5").add(Entry.file("./usr/share/x", "x")).lieAboutMd5("usr/share/x", "0".repeat(32))
        .write(debs); // found while reading
    for (int i = 0; i < 5; i++) {
      PackageException conflict = assertThrows(PackageException.class, () -> extract(Map.of(), a, b, c));
      assertTrue(conflict.getMessage().startsWith("file conflict at /usr/bin/tool"), conflict.getMessage());
      PackageException md5 = assertThrows(PackageException.class, () -> extract(Map.of(), a, c, b));
      assertTrue(md5.getMessage().startsWith("bad-md5 1.0-1 (amd64): /usr/share/x has md5"), md5.getMessage());
    }
  }

  @Test
  void identicalContentFromTwoPackagesIsFine() throws Exception {
    Path a = new TestDebs("same-a").add(Entry.file("./usr/share/x", "same")).write(debs);
    Path b = new TestDebs("same-b").add(Entry.file("./usr/share/x", "same")).write(debs);
    assertTrue(extract(Map.of(), a, b).contains(FsPath.parse("/usr/share/x")));
  }

  @Test
  void truncatedPackageIsRefused() throws Exception {
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 20000; i++) {
      big.append(i).append('\n'); // gzip does not shrink this to nothing
    }
    Path f = new TestDebs("truncated").add(Entry.file("./usr/share/big", big.toString())).write(debs);
    byte[] all = Files.readAllBytes(f);
    Files.write(f, java.util.Arrays.copyOf(all, all.length - 2000));
    PackageException e = assertThrows(PackageException.class, () -> extract(Map.of(), f));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    assertTrue(e.getMessage().contains("truncated_1.0-1_amd64.deb") || e.getMessage().startsWith("truncated 1.0-1"),
        e.getMessage());
  }

  @Test
  void wrongChecksumIsRefused() throws Exception {
    Path f = new TestDebs("tampered").add(Entry.file("./x", "x")).write(debs);
    PackageException e = assertThrows(PackageException.class, () -> DebFile.read(f, "0".repeat(64)));
    assertTrue(e.getMessage().startsWith("tampered_1.0-1_amd64.deb: checksum mismatch"), e.getMessage());
  }

  @Test
  void contentNotMatchingMd5sumsIsRefused() throws Exception {
    PackageException e = refused(new TestDebs("bad-md5").add(Entry.file("./usr/share/x", "x"))
        .lieAboutMd5("usr/share/x", "0".repeat(32)));
    assertTrue(e.getMessage().startsWith("bad-md5 1.0-1 (amd64): /usr/share/x has md5"), e.getMessage());
  }

  @Test
  void mergedUsrDirectoryEntriesKeepTheSymlinks() throws Exception {
    Path f = new TestDebs("merged").add(Entry.dir("./"), Entry.dir("./bin/"), Entry.file("./bin/tool", "t", 0755),
        Entry.dir("./lib/"), Entry.dir("./lib/x86_64-linux-gnu/"), Entry.file("./lib/x86_64-linux-gnu/libx.so.1", "l"))
        .write(debs);
    FsTree t = extract(Map.of(), f);
    assertEquals(new FsNode.Symlink(NodeMetadata.of(0777, 0, 0, 0), "usr/bin"), t.get(FsPath.parse("/bin")).orElseThrow());
    assertTrue(t.contains(FsPath.parse("/usr/bin/tool")));
    assertTrue(t.contains(FsPath.parse("/usr/lib/x86_64-linux-gnu/libx.so.1")));
  }
}

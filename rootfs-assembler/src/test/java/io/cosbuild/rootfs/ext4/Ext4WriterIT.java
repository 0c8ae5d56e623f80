package io.cosbuild.rootfs.ext4;

import static io.cosbuild.rootfs.testutil.FsJudges.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.rootfs.testutil.FsJudges;
import io.cosbuild.rootfs.testutil.FsJudges.Out;
import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.NodeMetadata;
import io.cosbuild.rootfs.tree.Xattr;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks written images with the reference tools: e2fsck judges consistency, debugfs and the
 * kernel (loop mount, as root) report what the image holds, and the expected values come from the
 * source tree.
 */
class Ext4WriterIT {

  @TempDir Path tmp;

  Path write(FsTree tree, String name, Ext4Options o) throws Exception {
    Path img = tmp.resolve(name);
    try (FileChannel ch = FileChannel.open(img, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        StandardOpenOption.READ)) {
      Ext4Result r = Ext4Writer.write(tree, ch, o);
      assertEquals(r.sizeBytes(), ch.size());
    }
    return img;
  }

  static void assertClean(Path img) throws Exception {
    FsJudges.assertE2fsckClean(img);
  }

  @Test
  void featureTreeIsCleanAndDebugfsAgreesWithTheSource() throws Exception {
    BlobStore store = BlobStore.open(tmp.resolve("store"));
    FsTree tree = TestTrees.features(store, tmp, true);
    Path img = write(tree, "f.img", Ext4Options.readOnlyRoot());
    assertClean(img);

    FsJudges.assertDebugfsAgrees(tree, img);
    Out fast = run("debugfs", "-R", "stat /lib", img.toString());
    assertTrue(fast.text().contains("Fast link dest: \"usr/lib\""), fast.text());
    Out slow = run("debugfs", "-R", "cat /slow", img.toString());
    assertEquals("x/".repeat(2000), slow.text().substring(slow.text().indexOf('\n') + 1));
  }

  @Test
  void kernelMountShowsTheSourceTree() throws Exception {
    BlobStore store = BlobStore.open(tmp.resolve("store"));
    FsTree tree = TestTrees.features(store, tmp, true);
    Path img = write(tree, "m.img", Ext4Options.readOnlyRoot().withLabel("ROOT"));
    FsJudges.assertKernelShowsTree(tree, img, "ext4", Files.createDirectory(tmp.resolve("mnt")));
  }

  /**
   * At Linux's limits, EXT4_LINK_MAX names of one inode and a 255-byte xattr name, and with an empty
   * xattr value: e2fsck finds the image clean and the kernel shows all of it.
   */
  @Test
  void linksAndXattrsAtTheLimitsAreKept() throws Exception {
    BlobStore store = BlobStore.open(tmp.resolve("store"));
    NodeMetadata meta = NodeMetadata.of(0644, 0, 0, 1_700_000_000L);
    TreeMap<FsPath, FsNode> nodes = new TreeMap<>();
    nodes.put(FsPath.ROOT, new FsNode.Directory(NodeMetadata.of(0755, 0, 0, 1_700_000_000L)));
    nodes.put(FsPath.parse("/attrs"), new FsNode.RegularFile(meta.withXattrs(List.of(
        new Xattr("user." + "n".repeat(250), new byte[] {'v'}), new Xattr("user.empty", new byte[0]))),
        store.put(new byte[] {1})));
    nodes.put(FsPath.parse("/links"), new FsNode.Directory(NodeMetadata.of(0755, 0, 0, 1_700_000_000L)));
    FsNode.RegularFile linked = new FsNode.RegularFile(meta, store.put(new byte[] {2}), 1);
    for (int i = 0; i < 65_000; i++) {
      nodes.put(FsPath.parse(String.format("/links/l%05d", i)), linked);
    }
    FsTree tree = FsTree.ofCanonical(nodes);
    Path img = write(tree, "limits.img", Ext4Options.readOnlyRoot());
    assertClean(img);
    Path mnt = Files.createDirectory(tmp.resolve("limits-mnt"));
    FsJudges.mountReadOnly(img, "ext4", mnt);
    try {
      assertEquals(65_000, Files.getAttribute(mnt.resolve("links/l64999"), "unix:nlink"));
      assertEquals(Map.of("user." + "n".repeat(250), "76", "user.empty", ""),
          FsJudges.getfattr(mnt).get("/attrs"));
    } finally {
      assertEquals(0, run("umount", mnt.toString()).code());
    }
  }

  @Test
  void tarSourceKeepsOwnersModesLinksAndXattrs() throws Exception {
    Path tar = tmp.resolve("src.tar");
    try (var out = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(Files.newOutputStream(tar))) {
      out.setLongFileMode(org.apache.commons.compress.archivers.tar.TarArchiveOutputStream.LONGFILE_POSIX);
      out.setBigNumberMode(org.apache.commons.compress.archivers.tar.TarArchiveOutputStream.BIGNUMBER_POSIX);
      var d = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("etc/");
      d.setMode(040750);
      d.setUserId(0);
      d.setGroupId(42);
      out.putArchiveEntry(d);
      out.closeArchiveEntry();
      byte[] body = TestTrees.bytes(9000, 11);
      var f = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("etc/ping");
      f.setMode(0104711);
      f.setUserId(70000);
      f.setGroupId(80000);
      f.setSize(body.length);
      f.addPaxHeader("SCHILY.xattr.user.origin", "tar");
      out.putArchiveEntry(f);
      out.write(body);
      out.closeArchiveEntry();
      var h = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("etc/ping2",
          org.apache.commons.compress.archivers.tar.TarConstants.LF_LINK);
      h.setLinkName("etc/ping");
      out.putArchiveEntry(h);
      out.closeArchiveEntry();
      var l = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("etc/link",
          org.apache.commons.compress.archivers.tar.TarConstants.LF_SYMLINK);
      l.setLinkName("ping");
      out.putArchiveEntry(l);
      out.closeArchiveEntry();
      var c = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("etc/tty",
          org.apache.commons.compress.archivers.tar.TarConstants.LF_CHR);
      c.setMode(020620);
      c.setDevMajor(4);
      c.setDevMinor(1);
      out.putArchiveEntry(c);
      out.closeArchiveEntry();
    }
    BlobStore store = BlobStore.open(tmp.resolve("store"));
    FsTree tree = io.cosbuild.rootfs.source.TarSource.read(tar, store);
    Path img = write(tree, "tar.img", Ext4Options.readOnlyRoot());
    assertClean(img);
    Path mnt = Files.createDirectory(tmp.resolve("mnt"));
    FsJudges.mountReadOnly(img, "ext4", mnt);
    try {
      FsJudges.assertMountShowsTree(tree, mnt);
      Map<String, Object> a = Files.readAttributes(mnt.resolve("etc/ping"), "unix:*", LinkOption.NOFOLLOW_LINKS);
      assertEquals(70000, a.get("uid")); // straight from the tar header, not the host
      assertEquals(0104711, a.get("mode"));
    } finally {
      run("umount", mnt.toString());
    }
  }

  @Test
  void sameInputGivesTheSameBytes() throws Exception {
    BlobStore store = BlobStore.open(tmp.resolve("store"));
    Ext4Options o = Ext4Options.readOnlyRoot().withSourceDateEpoch(1_600_000_000L);
    Path a = write(TestTrees.features(store, tmp, false), "a.img", o);
    // With a progress display: rising after each file to all the content, and the same bytes.
    FsTree tree = TestTrees.features(store, tmp, false);
    java.util.List<Long> progress = new java.util.ArrayList<>();
    Path b = tmp.resolve("b.img");
    try (FileChannel ch = FileChannel.open(b, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
      Ext4Writer.write(tree, ch, o, progress::add);
    }
    assertEquals(tree.contentBytes(), progress.get(progress.size() - 1));
    for (int i = 1; i < progress.size(); i++) {
      assertTrue(progress.get(i) >= progress.get(i - 1), "progress " + progress);
    }
    assertEquals(-1L, Files.mismatch(a, b));
    Path j1 = write(TestTrees.features(store, tmp, false), "j1.img", o.withJournal(true).withSize(64 << 20));
    Path j2 = write(TestTrees.features(store, tmp, false), "j2.img", o.withJournal(true).withSize(64 << 20));
    assertEquals(-1L, Files.mismatch(j1, j2));
    assertClean(j1);
  }

  @Test
  void hundredThousandEntryDirectoryIsValidAndSearchable() throws Exception {
    BlobStore store = BlobStore.open(tmp.resolve("store"));
    FsTree tree = TestTrees.wideDirectory(store, 100_000);
    Path img = write(tree, "wide.img", Ext4Options.readOnlyRoot());
    assertClean(img);
    Path mnt = Files.createDirectory(tmp.resolve("mnt"));
    FsJudges.mountReadOnly(img, "ext4", mnt);
    try {
      for (int i : new int[] {0, 1, 777, 31_415, 99_999}) {
        assertTrue(Files.isRegularFile(mnt.resolve("d/file-" + i)), "lookup of file-" + i);
      }
      assertTrue(Files.notExists(mnt.resolve("d/file-100000")));
      try (Stream<Path> s = Files.list(mnt.resolve("d"))) {
        assertEquals(100_000, s.count());
      }
    } finally {
      run("umount", mnt.toString());
    }
  }

  @Test
  void emptyWritableStateMountsReadWriteAndStaysClean() throws Exception {
    Path img = tmp.resolve("state.img");
    Ext4Result r;
    try (FileChannel ch = FileChannel.open(img, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        StandardOpenOption.READ)) {
      r = Ext4Writer.formatEmpty(ch, Ext4Options.writable(256L << 20).withLabel("STATE"));
    }
    assertEquals(256L << 20, Files.size(img));
    assertTrue(r.journalBlocks() > 0);
    assertClean(img);
    Out dump = run("dumpe2fs", "-h", img.toString());
    assertTrue(dump.text().contains("has_journal"), dump.text());
    assertTrue(dump.text().contains("metadata_csum"), dump.text());
    assertTrue(dump.text().matches("(?s).*Filesystem volume name:\\s+STATE\n.*"), dump.text());
    Path mnt = Files.createDirectory(tmp.resolve("mnt"));
    Out m = run("mount", "-o", "loop", "-t", "ext4", img.toString(), mnt.toString());
    assertEquals(0, m.code(), m.text());
    try {
      Files.createDirectories(mnt.resolve("var/lib"));
      Files.writeString(mnt.resolve("var/lib/hello"), "state survives\n");
    } finally {
      assertEquals(0, run("umount", mnt.toString()).code());
    }
    assertClean(img);
    Out cat = run("debugfs", "-R", "cat /var/lib/hello", img.toString());
    assertTrue(cat.text().contains("state survives"), cat.text());
  }

  @Test
  void writtenOverOldBytesItHoldsWhatAFreshImageHolds() throws Exception {
    BlobStore store = BlobStore.open(tmp.resolve("store"));
    FsTree tree = TestTrees.features(store, tmp, true);
    long size = 320L << 20; // three block groups: the last two hold no inodes
    Ext4Options o = Ext4Options.writable(size).withLabel("STATE");
    Path fresh = write(tree, "fresh.img", o);
    // A "device" full of old bytes, somewhat larger than the filesystem: the tail must stay as it was.
    Path used = tmp.resolve("used.img");
    byte[] old = new byte[1 << 20];
    new java.util.SplittableRandom(11).nextBytes(old);
    try (FileChannel ch = FileChannel.open(used, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (long at = 0; at < size + old.length; at += old.length) {
        ch.write(java.nio.ByteBuffer.wrap(old), at);
      }
    }
    try (FileChannel ch = FileChannel.open(used, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      Ext4Writer.writeOnto(tree, ch, o);
      java.nio.ByteBuffer tail = java.nio.ByteBuffer.allocate(old.length);
      ch.read(tail, size);
      assertEquals(java.nio.ByteBuffer.wrap(old), tail.flip());
    }
    assertClean(used);
    // e2image -ra copies the metadata and every allocated block, free blocks as holes: the same
    // bytes for both means nothing the filesystem reads was left as the old content.
    for (Path img : new Path[] {fresh, used}) {
      Out e = run("e2image", "-ra", img.toString(), img + ".e2i");
      assertEquals(0, e.code(), e.text());
    }
    assertEquals(-1L, Files.mismatch(Path.of(fresh + ".e2i"), Path.of(used + ".e2i")));
    // The inode tables too, where dumpe2fs places them, also those of groups without inodes
    // (their descriptors say they are zeroed; e2image skips them).
    Out dump = run("dumpe2fs", used.toString());
    java.util.regex.Matcher t = java.util.regex.Pattern.compile("Inode table at (\\d+)-(\\d+)").matcher(dump.text());
    int tables = 0;
    try (FileChannel a = FileChannel.open(fresh); FileChannel b = FileChannel.open(used)) {
      while (t.find()) {
        long first = Long.parseLong(t.group(1));
        int len = (int) (Long.parseLong(t.group(2)) - first + 1) * 4096;
        java.nio.ByteBuffer x = java.nio.ByteBuffer.allocate(len);
        java.nio.ByteBuffer y = java.nio.ByteBuffer.allocate(len);
        a.read(x, first * 4096);
        b.read(y, first * 4096);
        assertEquals(x.flip(), y.flip(), "inode table at block " + first);
        tables++;
      }
    }
    assertEquals(3, tables, dump.text());

    Path mnt = Files.createDirectory(tmp.resolve("mnt"));
    FsJudges.assertKernelShowsTree(tree, used, "ext4", mnt);
    Out m = run("mount", "-o", "loop", "-t", "ext4", used.toString(), mnt.toString());
    assertEquals(0, m.code(), m.text());
    try {
      Files.writeString(mnt.resolve("written-later"), "after the build\n");
    } finally {
      assertEquals(0, run("umount", mnt.toString()).code());
    }
    assertClean(used);
  }
}

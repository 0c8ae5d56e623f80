package io.cosbuild.rootfs.ext4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.Xattr;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

  record Out(int code, String text) {}

  static Out run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Out(p.waitFor(), text);
  }

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
    Out r = run("e2fsck", "-fn", img.toString());
    assertEquals(0, r.code(), r.text());
    for (String pass : new String[] {"Pass 1:", "Pass 2:", "Pass 3:", "Pass 4:", "Pass 5:"}) {
      assertTrue(r.text().contains(pass), r.text());
    }
    assertTrue(r.text().lines().allMatch(l -> l.startsWith("Pass ") || l.startsWith("e2fsck ")
        || l.contains(" files (") || l.isBlank()), "e2fsck reported more than its passes:\n" + r.text());
  }

  @Test
  void featureTreeIsCleanAndDebugfsAgreesWithTheSource() throws Exception {
    BlobStore store = BlobStore.open(tmp.resolve("store"));
    FsTree tree = TestTrees.features(store, tmp, true);
    Path img = write(tree, "f.img", Ext4Options.readOnlyRoot());
    assertClean(img);

    // One debugfs run lists every directory: inode, mode, uid, gid, size or device, name.
    Path cmds = tmp.resolve("cmds");
    List<String> lines = new ArrayList<>();
    for (Map.Entry<FsPath, FsNode> e : tree.entries().entrySet()) {
      if (e.getValue() instanceof FsNode.Directory) {
        lines.add("ls -l \"" + e.getKey() + "\"");
      }
    }
    Files.write(cmds, lines);
    Out ls = run("debugfs", "-f", cmds.toString(), img.toString());
    assertEquals(0, ls.code(), ls.text());
    Pattern row = Pattern.compile("^\\s*(\\d+)\\s+(\\d+)\\s+\\((\\d+)\\)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+(?:,\\s*\\d+)?)\\s+\\S+\\s+\\S+\\s(.+)$");
    Map<FsPath, String[]> seen = new HashMap<>();
    FsPath dir = null;
    for (String l : ls.text().split("\n")) {
      if (l.startsWith("debugfs: ls -l ")) {
        dir = FsPath.parse(l.substring("debugfs: ls -l ".length()).replace("\"", ""));
        continue;
      }
      Matcher m = row.matcher(l);
      if (m.matches() && dir != null) {
        String name = m.group(7).trim();
        if (!name.equals(".") && !name.equals("..")) {
          seen.put(dir.resolve(name), new String[] {m.group(1), m.group(2), m.group(4), m.group(5), m.group(6)});
        }
      }
    }
    for (Map.Entry<FsPath, FsNode> e : tree.entries().entrySet()) {
      if (e.getKey().isRoot()) {
        continue;
      }
      FsNode n = e.getValue();
      String[] s = seen.get(e.getKey());
      assertTrue(s != null, "debugfs does not list " + e.getKey());
      assertEquals(Integer.toOctalString(n.mode()), s[1], "mode of " + e.getKey());
      assertEquals(String.valueOf(n.metadata().uid()), s[2], "uid of " + e.getKey());
      assertEquals(String.valueOf(n.metadata().gid()), s[3], "gid of " + e.getKey());
      if (n instanceof FsNode.RegularFile f) {
        assertEquals(String.valueOf(f.blob().size()), s[4], "size of " + e.getKey());
      } else if (n instanceof FsNode.Symlink l) {
        assertEquals(String.valueOf(l.target().length()), s[4], "size of " + e.getKey());
      } else if (n instanceof FsNode.Device d) {
        Out st = run("debugfs", "-R", "stat \"" + e.getKey() + "\"", img.toString());
        Matcher dm = Pattern.compile("Device major/minor number: (\\d+):(\\d+)").matcher(st.text());
        assertTrue(dm.find(), st.text());
        assertEquals(d.major() + ":" + d.minor(), Integer.parseInt(dm.group(1)) + ":" + Integer.parseInt(dm.group(2)),
            "device of " + e.getKey());
      }
    }
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
    Path mnt = Files.createDirectory(tmp.resolve("mnt"));
    Out m = run("mount", "-o", "loop,ro", "-t", "ext4", img.toString(), mnt.toString());
    assertEquals(0, m.code(), m.text());
    try {
      compareMounted(tree, mnt);
    } finally {
      run("umount", mnt.toString());
    }
  }

  static void compareMounted(FsTree tree, Path mnt) throws Exception {
    TreeSet<String> onDisk = new TreeSet<>();
    try (Stream<Path> walk = Files.walk(mnt)) {
      walk.forEach(p -> onDisk.add("/" + mnt.relativize(p).toString().replace('\\', '/')));
    }
    onDisk.remove("/");
    onDisk.removeIf(s -> s.equals("/lost+found"));
    TreeSet<String> expected = new TreeSet<>();
    tree.entries().keySet().stream().filter(p -> !p.isRoot()).forEach(p -> expected.add(p.toString()));
    assertEquals(expected, onDisk);

    Map<String, Map<String, String>> xattrs = getfattr(mnt);
    Map<Integer, Long> inodeOfGroup = new HashMap<>();
    for (Map.Entry<FsPath, FsNode> e : tree.entries().entrySet()) {
      FsNode n = e.getValue();
      Path p = e.getKey().isRoot() ? mnt : mnt.resolve(e.getKey().relative());
      Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
      String where = e.getKey().toString();
      assertEquals(n.mode(), (int) (Integer) a.get("mode"), "mode of " + where);
      assertEquals(n.metadata().uid(), (int) (Integer) a.get("uid"), "uid of " + where);
      assertEquals(n.metadata().gid(), (int) (Integer) a.get("gid"), "gid of " + where);
      if (n instanceof FsNode.RegularFile f) {
        assertEquals(f.blob().size(), (long) (Long) a.get("size"), "size of " + where);
        assertEquals(-1L, Files.mismatch(p, f.blob().location()), "content of " + where);
        if (f.linkGroup() != 0) {
          long ino = (Long) a.get("ino");
          Long first = inodeOfGroup.putIfAbsent(f.linkGroup(), ino);
          assertEquals(first == null ? ino : first, ino, "hard link " + where + " shares the inode");
          assertEquals(tree.linkCount(f), (int) (Integer) a.get("nlink"), "link count of " + where);
        }
      } else if (n instanceof FsNode.Symlink s) {
        assertEquals(s.target(), Files.readSymbolicLink(p).toString(), "target of " + where);
      } else if (n instanceof FsNode.Device d) {
        long rdev = (Long) a.get("rdev");
        long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
        long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
        assertEquals(d.major() + ":" + d.minor(), major + ":" + minor, "device of " + where);
      }
      Map<String, String> want = new TreeMap<>();
      for (Xattr x : n.metadata().xattrs()) {
        want.put(x.name(), HexFormat.of().formatHex(x.value()));
      }
      assertEquals(want, xattrs.getOrDefault(where, Map.of()), "xattrs of " + where);
    }
  }

  /** path (relative to the mount, with a leading /) -> xattr name -> hex value, from getfattr. */
  static Map<String, Map<String, String>> getfattr(Path mnt) throws Exception {
    Out g = run("getfattr", "-R", "-d", "-m", "-", "-h", "-e", "hex", "--absolute-names", mnt.toString());
    assertEquals(0, g.code(), g.text());
    Map<String, Map<String, String>> out = new HashMap<>();
    Map<String, String> cur = null;
    for (String l : g.text().split("\n")) {
      if (l.startsWith("# file: ")) {
        String f = l.substring(8);
        String rel = f.equals(mnt.toString()) ? "/" : f.substring(mnt.toString().length());
        cur = new TreeMap<>();
        out.put(rel, cur);
      } else if (cur != null && l.contains("=")) {
        String v = l.substring(l.indexOf('=') + 1);
        cur.put(l.substring(0, l.indexOf('=')), v.startsWith("0x") ? v.substring(2) : v);
      }
    }
    return out;
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
    Out m = run("mount", "-o", "loop,ro", "-t", "ext4", img.toString(), mnt.toString());
    assertEquals(0, m.code(), m.text());
    try {
      compareMounted(tree, mnt);
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
    Path b = write(TestTrees.features(store, tmp, false), "b.img", o);
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
    Out m = run("mount", "-o", "loop,ro", "-t", "ext4", img.toString(), mnt.toString());
    assertEquals(0, m.code(), m.text());
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
}

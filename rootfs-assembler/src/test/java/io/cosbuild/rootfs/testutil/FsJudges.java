package io.cosbuild.rootfs.testutil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.Xattr;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * What the reference tools say about an image, compared with the tree it was written from:
 * {@code unsquashfs -lln}, {@code e2fsck -fn}, {@code debugfs} and the kernel through a loop mount.
 * Expected values always come from the source tree.
 */
public final class FsJudges {

  private FsJudges() {}

  public record Out(int code, String text) {}

  /** Runs a command; stdout and stderr together. */
  public static Out run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Out(p.waitFor(), text);
  }

  // ---- squashfs ---------------------------------------------------------------------------------

  private static final Pattern LISTING_LINE = Pattern.compile(
      "^(\\S{10}) (\\d+/\\d+)\\s+(\\d+,\\s*\\d+|\\d+) \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d (.*?)(?: -> (.*))?$");

  /** {@code unsquashfs -lln} output parsed: path -> {mode, uid/gid, size or major,minor, link target}. */
  public static Map<String, String[]> parseListing(String out) {
    Map<String, String[]> m = new HashMap<>();
    for (String line : out.split("\n")) {
      Matcher x = LISTING_LINE.matcher(line);
      if (x.matches()) {
        m.put(x.group(4), new String[] {x.group(1), x.group(2), x.group(3).replaceAll("\\s", ""), x.group(5)});
      }
    }
    return m;
  }

  /** Every path of the tree, listed once by {@code unsquashfs -lln}, with its mode, owner, size, target, device. */
  public static void assertUnsquashfsAgrees(FsTree tree, Path img) throws Exception {
    Out ls = run("unsquashfs", "-lln", "-d", "", img.toString());
    assertEquals(0, ls.code(), ls.text());
    Map<String, String[]> listed = parseListing(ls.text());
    assertEquals(tree.size(), listed.size(), "unsquashfs lists every path once");
    for (Map.Entry<FsPath, FsNode> e : tree.entries().entrySet()) {
      String path = e.getKey().isRoot() ? "" : e.getKey().toString();
      String[] l = listed.get(path);
      assertTrue(l != null, "unsquashfs lists " + path);
      FsNode n = e.getValue();
      assertEquals(modeString(n.mode()), l[0], "mode of " + path);
      assertEquals(n.metadata().uid() + "/" + n.metadata().gid(), l[1], "owner of " + path);
      if (n instanceof FsNode.RegularFile f) {
        assertEquals(Long.toString(f.blob().size()), l[2], "size of " + path);
      } else if (n instanceof FsNode.Symlink s) {
        assertEquals(s.target(), l[3], "target of " + path);
        assertEquals(Integer.toString(s.target().getBytes(StandardCharsets.UTF_8).length), l[2]);
      } else if (n instanceof FsNode.Device d) {
        // unsquashfs prints (dev >> 8, dev & 0xff) of the stored Linux encoding: for minors above 255
        // that is not major,minor (it shows the same for mksquashfs's images); mounts check those.
        int dev = (d.minor() & 0xff) | (d.major() << 8) | ((d.minor() & ~0xff) << 12);
        assertEquals((dev >>> 8) + "," + (dev & 0xff), l[2], "device number of " + path);
      }
    }
  }

  /** The mode as {@code ls -l} and unsquashfs print it. */
  public static String modeString(int mode) {
    char type = switch (mode & 0170000) {
      case FsNode.S_IFDIR -> 'd';
      case FsNode.S_IFLNK -> 'l';
      case FsNode.S_IFCHR -> 'c';
      case FsNode.S_IFBLK -> 'b';
      case FsNode.S_IFIFO -> 'p';
      case FsNode.S_IFSOCK -> 's';
      default -> '-';
    };
    StringBuilder sb = new StringBuilder().append(type);
    String rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; i++) {
      sb.append((mode & (0400 >> i)) != 0 ? rwx.charAt(i) : '-');
    }
    special(sb, 3, (mode & 04000) != 0, 's');
    special(sb, 6, (mode & 02000) != 0, 's');
    special(sb, 9, (mode & 01000) != 0, 't');
    return sb.toString();
  }

  private static void special(StringBuilder sb, int i, boolean on, char c) {
    if (on) {
      sb.setCharAt(i, sb.charAt(i) == '-' ? Character.toUpperCase(c) : c);
    }
  }

  // ---- ext4 -------------------------------------------------------------------------------------

  /** {@code e2fsck -fn} runs its five passes and reports nothing else. */
  public static void assertE2fsckClean(Path img) throws Exception {
    Out r = run("e2fsck", "-fn", img.toString());
    assertEquals(0, r.code(), r.text());
    for (String pass : new String[] {"Pass 1:", "Pass 2:", "Pass 3:", "Pass 4:", "Pass 5:"}) {
      assertTrue(r.text().contains(pass), r.text());
    }
    assertTrue(r.text().lines().allMatch(l -> l.startsWith("Pass ") || l.startsWith("e2fsck ")
        || l.contains(" files (") || l.isBlank()), "e2fsck reported more than its passes:\n" + r.text());
  }

  /** {@code debugfs ls -l} of every directory lists every path with the tree's mode, owner and size or device. */
  public static void assertDebugfsAgrees(FsTree tree, Path img) throws Exception {
    Path cmds = Files.createTempFile("debugfs", ".cmds");
    try {
      List<String> lines = new ArrayList<>();
      for (Map.Entry<FsPath, FsNode> e : tree.entries().entrySet()) {
        if (e.getValue() instanceof FsNode.Directory) {
          lines.add("ls -l \"" + e.getKey() + "\"");
        }
      }
      Files.write(cmds, lines);
      Out ls = run("debugfs", "-f", cmds.toString(), img.toString());
      assertEquals(0, ls.code(), ls.text());
      Pattern row = Pattern.compile(
          "^\\s*(\\d+)\\s+(\\d+)\\s+\\((\\d+)\\)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+(?:,\\s*\\d+)?)\\s+\\S+\\s+\\S+\\s(.+)$");
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
          assertEquals(String.valueOf(l.target().getBytes(StandardCharsets.UTF_8).length), s[4], "size of " + e.getKey());
        } else if (n instanceof FsNode.Device d) {
          Out st = run("debugfs", "-R", "stat \"" + e.getKey() + "\"", img.toString());
          Matcher dm = Pattern.compile("Device major/minor number: (\\d+):(\\d+)").matcher(st.text());
          assertTrue(dm.find(), st.text());
          assertEquals(d.major() + ":" + d.minor(), Integer.parseInt(dm.group(1)) + ":" + Integer.parseInt(dm.group(2)),
              "device of " + e.getKey());
        }
      }
    } finally {
      Files.deleteIfExists(cmds);
    }
  }

  // ---- the kernel -------------------------------------------------------------------------------

  /**
   * Mounts {@code img} read-only through a loop device; aborts the test (loudly) only where the
   * machine has no loop devices or no right to use them.
   */
  public static void mountReadOnly(Path img, String type, Path mnt) throws Exception {
    Out m = run("mount", "-o", "loop,ro", "-t", type, img.toString(), mnt.toString());
    if (m.code() != 0) {
      String t = m.text();
      if (t.contains("loop device") || t.contains("permission denied") || t.contains("only root")) {
        System.err.println("!!!!! SKIPPING kernel mount check: loop devices unavailable: " + t);
        Assumptions.abort("loop devices unavailable: " + t);
      }
      throw new AssertionError("mount " + img + " failed: " + t);
    }
  }

  /** Mounts {@code img} read-only at {@code mnt}, checks it with {@link #assertMountShowsTree} and unmounts it. */
  public static void assertKernelShowsTree(FsTree tree, Path img, String type, Path mnt) throws Exception {
    mountReadOnly(img, type, mnt);
    try {
      assertMountShowsTree(tree, mnt);
    } finally {
      assertEquals(0, run("umount", mnt.toString()).code());
    }
  }

  /**
   * The mounted image holds exactly the tree's paths (ext4's lost+found aside), each with the
   * tree's mode, owner, mtime, xattrs and link target or device, regular files with its bytes and
   * link count, hard links sharing one inode.
   */
  public static void assertMountShowsTree(FsTree tree, Path mnt) throws Exception {
    TreeSet<String> onDisk = new TreeSet<>();
    try (Stream<Path> walk = Files.walk(mnt)) {
      walk.forEach(p -> onDisk.add("/" + mnt.relativize(p).toString().replace('\\', '/')));
    }
    onDisk.remove("/");
    if (tree.get(FsPath.ROOT.resolve("lost+found")).isEmpty()) {
      onDisk.remove("/lost+found");
    }
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
      assertEquals(n.metadata().mtime(), ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.SECONDS), "mtime of " + where);
      if (n instanceof FsNode.RegularFile f) {
        assertEquals(f.blob().size(), (long) (Long) a.get("size"), "size of " + where);
        assertEquals(-1L, Files.mismatch(p, f.blob().location()), "content of " + where);
        assertEquals(tree.linkCount(f), (int) (Integer) a.get("nlink"), "link count of " + where);
        if (f.linkGroup() != 0) {
          long ino = (Long) a.get("ino");
          Long first = inodeOfGroup.putIfAbsent(f.linkGroup(), ino);
          assertEquals(first == null ? ino : first, ino, "hard link " + where + " shares the inode");
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

  /**
   * path (relative to the mount, with a leading /) -> xattr name -> hex value, from one getfattr run.
   * Empty for a filesystem without xattrs at all (a squashfs without an xattr table, like
   * mksquashfs's, answers "Operation not supported" for every path).
   */
  public static Map<String, Map<String, String>> getfattr(Path mnt) throws Exception {
    Out g = run("getfattr", "-R", "-d", "-m", "-", "-h", "-e", "hex", "--absolute-names", mnt.toString());
    if (g.code() != 0 && g.text().lines().filter(l -> !l.isBlank())
        .allMatch(l -> l.startsWith("getfattr: " + mnt) && l.endsWith(": Operation not supported"))) {
      return Map.of();
    }
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
}

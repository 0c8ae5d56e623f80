package io.cosbuild.rootfs.squashfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cosbuild.rootfs.source.DirectorySource;
import io.cosbuild.rootfs.testutil.FsJudges;
import io.cosbuild.rootfs.tree.Blob;
import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.NodeMetadata;
import io.cosbuild.rootfs.tree.Xattr;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Checks images against the judges: unsquashfs listings and extraction, and the Linux kernel via
 * a loop mount. Expected values come from the source tree, never from our own output.
 */
class SquashfsWriterIT {

  @TempDir static Path dir;
  static BlobStore store;
  static FsTree tree;

  @BeforeAll
  static void setUp() throws Exception {
    store = BlobStore.open(dir.resolve("blobs"));
    tree = FeatureTree.build(store, 1, 1_700_000_000L);
  }

  @Test
  void unsquashfsListingAgreesWithTheTreeOnEveryPath() throws Exception {
    Path img = dir.resolve("list.sqfs");
    SquashfsWriter.writeFile(tree, img, SquashfsOptions.of(Compression.ZSTD).withLevel(3));
    FsJudges.assertUnsquashfsAgrees(tree, img);
    String stat = run("unsquashfs", "-s", img.toString());
    assertTrue(stat.contains("Number of inodes " + (tree.size() - 2)), stat); // two extra hard-link names
    assertTrue(stat.contains("Xattrs are compressed"), stat);
    assertTrue(stat.contains("Filesystem is exportable via NFS"), stat);
    assertTrue(stat.contains("Duplicates are removed"), stat);
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void unsquashfsExtractsTheSameBytesForEachCompressor(Compression c) throws Exception {
    Path img = dir.resolve("x-" + c + ".sqfs");
    SquashfsWriter.writeFile(tree, img, SquashfsOptions.of(c).withThreads(2));
    String stat = run("unsquashfs", "-s", img.toString());
    assertTrue(stat.contains("Compression " + c.cliName()), stat);
    assertUnsquashfsExtractsTheTree(tree, img, dir.resolve("x-" + c));
  }

  /** unsquashfs extracts every file's bytes, every link target and directory, and nothing else. */
  private static void assertUnsquashfsExtractsTheTree(FsTree tree, Path img, Path out) throws Exception {
    run("unsquashfs", "-no-xattrs", "-d", out.toString(), img.toString());
    for (Map.Entry<FsPath, FsNode> e : tree.entries().entrySet()) {
      Path p = e.getKey().isRoot() ? out : out.resolve(e.getKey().relative());
      if (e.getValue() instanceof FsNode.RegularFile f) {
        assertEquals(-1L, Files.mismatch(f.blob().location(), p), "content of " + e.getKey());
      } else if (e.getValue() instanceof FsNode.Symlink s) {
        assertEquals(s.target(), Files.readSymbolicLink(p).toString());
      } else if (e.getValue() instanceof FsNode.Directory) {
        assertTrue(Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS), e.getKey() + " is a directory");
      }
    }
    try (Stream<Path> s = Files.walk(out)) {
      assertEquals(tree.size(), s.count(), "extracted entry count");
    }
  }

  /**
   * xz with the x86 BCJ filter, as mksquashfs -Xbcj x86: on x86 machine code the image is smaller than plain xz's
   * and within 0.5% of mksquashfs's, records the filter as mksquashfs does, and unsquashfs and the kernel read it.
   */
  @Test
  void xzWithTheX86FilterShrinksMachineCodeAsMksquashfsDoesAndIsReadByUnsquashfsAndTheKernel() throws Exception {
    assumeTrue(System.getProperty("os.arch").equals("amd64"),
        "SKIPPED: the x86 filter is measured on this host's own machine code, which is not x86 here");
    Path src = machineCode();
    FsTree code = DirectorySource.readInPlace(src);
    SquashfsOptions xz = SquashfsOptions.of(Compression.XZ);
    Path plain = dir.resolve("code-xz.sqfs");
    Path bcj = dir.resolve("code-xz-x86.sqfs");
    Path reference = dir.resolve("code-xz-x86-mksquashfs.sqfs");
    SquashfsWriter.writeFile(code, plain, xz);
    SquashfsWriter.writeFile(code, bcj, xz.withXzFilters(Set.of(XzFilter.X86)));
    run("mksquashfs", src.toString(), reference.toString(), "-comp", "xz", "-Xbcj", "x86", "-noappend", "-quiet",
        "-no-progress");
    long ours = bytesUsed(bcj);
    long theirs = bytesUsed(reference);
    assertTrue(ours < bytesUsed(plain), "x86 filter: " + ours + " bytes, plain xz " + bytesUsed(plain));
    assertTrue(Math.abs(ours - theirs) <= theirs * 0.005, "cosbuild " + ours + " bytes, mksquashfs -Xbcj x86 " + theirs);
    String stat = run("unsquashfs", "-s", bcj.toString());
    assertTrue(stat.contains("Dictionary size 131072") && stat.contains("Filters selected: x86\n"), stat);
    assertUnsquashfsExtractsTheTree(code, bcj, dir.resolve("code-x86"));
    FsJudges.assertKernelShowsTree(code, bcj, "squashfs", Files.createDirectories(dir.resolve("mnt-x86")));
  }

  /** Every filter at once: each block keeps the smallest, the options record them all, both readers agree. */
  @Test
  void xzWithEveryFilterIsReadByUnsquashfsAndTheKernel() throws Exception {
    FsTree code = DirectorySource.readInPlace(machineCode());
    Path img = dir.resolve("code-xz-all.sqfs");
    SquashfsWriter.writeFile(code, img, SquashfsOptions.of(Compression.XZ).withXzFilters(EnumSet.allOf(XzFilter.class)));
    String stat = run("unsquashfs", "-s", img.toString());
    // squashfs-tools 4.5 knows all but arm64; later versions name it too.
    assertTrue(stat.contains("Filters selected: x86, powerpc, arm, armthumb, sparc"), stat);
    assertUnsquashfsExtractsTheTree(code, img, dir.resolve("code-all"));
    FsJudges.assertKernelShowsTree(code, img, "squashfs", Files.createDirectories(dir.resolve("mnt-all")));
  }

  /**
   * With 4 KiB blocks the streams' dictionary is 8 KiB (a metadata block's), and the options block must say so: the
   * kernel allocates the dictionary it names, and one of 4 KiB decoded no block at all.
   */
  @Test
  void xzFiltersWithFourKiBBlocksAreReadByTheKernel() throws Exception {
    Path img = dir.resolve("xz-x86-4k.sqfs");
    SquashfsWriter.writeFile(tree, img, SquashfsOptions.of(Compression.XZ).withBlockSize(4096)
        .withXzFilters(Set.of(XzFilter.X86)));
    String stat = run("unsquashfs", "-s", img.toString());
    assertTrue(stat.contains("Dictionary size 8192"), stat);
    FsJudges.assertKernelShowsTree(tree, img, "squashfs", Files.createDirectories(dir.resolve("mnt-x86-4k")));
  }

  /** Machine code of this host's architecture: the JDK's own shared libraries, about 4 MiB. */
  private static Path machineCode() throws IOException {
    Path src = dir.resolve("code");
    if (Files.notExists(src)) {
      Files.createDirectories(src);
      try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.home"), "lib"))) {
        for (Path so : s.filter(p -> p.getFileName().toString().endsWith(".so")).sorted().toList()) {
          Files.copy(so, src.resolve(so.getFileName()));
        }
      }
    }
    return src;
  }

  /** The superblock's bytes_used: the image without mksquashfs's padding to 4 KiB. */
  private static long bytesUsed(Path img) throws IOException {
    try (FileChannel ch = FileChannel.open(img, StandardOpenOption.READ)) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      ch.read(b, 40);
      return b.getLong(0);
    }
  }

  @Test
  void kernelMountShowsTheTree() throws Exception {
    Path img = dir.resolve("mount.sqfs");
    SquashfsWriter.writeFile(tree, img, SquashfsOptions.of(Compression.GZIP).withAlwaysFragments(true));
    Path mnt = Files.createDirectories(dir.resolve("mnt"));
    FsJudges.mountReadOnly(img, "squashfs", mnt);
    try {
      FsJudges.assertMountShowsTree(tree, mnt);
      // What squashfs adds: directory link counts and the directory index, used for lookups by
      // name in the 3000-entry directory.
      for (Map.Entry<FsPath, FsNode> e : tree.entries().entrySet()) {
        if (e.getValue() instanceof FsNode.Directory) {
          Path p = e.getKey().isRoot() ? mnt : mnt.resolve(e.getKey().relative());
          assertEquals(tree.directoryLinkCount(e.getKey()), Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS),
              "link count of " + e.getKey());
        }
      }
      for (int i = 0; i < 3000; i += 97) {
        assertTrue(Files.exists(mnt.resolve("many3000/entry-with-a-longer-name-" + i)), "lookup " + i);
      }
      assertTrue(!Files.exists(mnt.resolve("many3000/entry-with-a-longer-name-3000")));
    } finally {
      run("umount", mnt.toString());
    }
  }

  @Test
  void sameInputGivesSameBytesAndOrderAndMtimesDoNotMatter() throws Exception {
    SquashfsOptions o = SquashfsOptions.of(Compression.ZSTD).withLevel(3).withSourceDateEpoch(OptionalLong.of(1_600_000_000L));
    Path a = dir.resolve("det-a.sqfs");
    Path b = dir.resolve("det-b.sqfs");
    Path c = dir.resolve("det-c.sqfs");
    SquashfsWriter.writeFile(tree, a, o);
    // The progress a display shows: rising after each file, to all the content, and the image the same.
    List<Long> progress = new java.util.ArrayList<>();
    SquashfsWriter.writeFile(tree, b, o.withThreads(1), progress::add);
    assertEquals(tree.contentBytes(), progress.get(progress.size() - 1));
    for (int i = 1; i < progress.size(); i++) {
      assertTrue(progress.get(i) >= progress.get(i - 1), "progress " + progress);
    }
    FsTree shuffled = FeatureTree.build(store, 99, 1_650_000_000L);
    SquashfsWriter.writeFile(shuffled, c, o.withThreads(3));
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), "same tree twice");
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(c), "other order, other mtimes, clamped");
    String stat = run("unsquashfs", "-s", a.toString());
    assertTrue(stat.contains("2020"), "mkfs time is the epoch: " + stat);
    String listing = run("unsquashfs", "-lln", "-d", "", a.toString());
    assertTrue(listing.contains("2020-09-13"), "mtimes clamped to the epoch");
  }

  @Test
  void treesWithoutFragmentsOrFilesAreReadable() throws Exception {
    FsTreeBuilder b = new FsTreeBuilder(NodeMetadata.of(0755, 0, 0, 0));
    FsTree onlyRoot = b.build();
    Path img = dir.resolve("root-only.sqfs");
    SquashfsResult r = SquashfsWriter.writeFile(onlyRoot, img, SquashfsOptions.of(Compression.LZ4));
    assertEquals(1, r.inodes());
    assertTrue(run("unsquashfs", "-s", img.toString()).contains("Number of fragments 0"));
    Blob empty = store.put(new byte[0]);
    for (int i = 0; i < 1000; i++) {
      b.add(new FsPath("/d/e" + i), new FsNode.RegularFile(NodeMetadata.of(0644, 0, 0, 0), empty), "t");
    }
    Path img2 = dir.resolve("empties.sqfs");
    SquashfsWriter.writeFile(b.build(), img2, SquashfsOptions.of(Compression.ZSTD));
    Map<String, String[]> l = FsJudges.parseListing(run("unsquashfs", "-lln", "-d", "", img2.toString()));
    assertEquals(1002, l.size());
    assertEquals("0", l.get("/d/e999")[2]);
  }

  @Test
  void aDirectoryReadWithoutHashingStoresEqualContentsOnceAndHashesOnlyFilesOfASharedSize() throws Exception {
    Path src = Files.createDirectories(dir.resolve("lazy-src"));
    byte[] x = new byte[200_000];
    new java.util.Random(7).nextBytes(x);
    byte[] y = x.clone();
    y[199_999] ^= 1; // same size as x, one bit apart
    Files.write(src.resolve("a"), x);
    Files.write(src.resolve("b"), y);
    Files.write(src.resolve("c"), x);
    Files.write(src.resolve("unique"), java.util.Arrays.copyOf(x, 1234));
    FsTree lazy = io.cosbuild.rootfs.source.DirectorySource.readInPlace(src, false);
    Path img = dir.resolve("lazy.sqfs");
    SquashfsResult r = SquashfsWriter.writeFile(lazy, img, SquashfsOptions.of(Compression.GZIP));
    assertEquals(1, r.duplicateFiles(), "c is a's duplicate, b is not");
    Blob unique = ((FsNode.RegularFile) lazy.entries().get(new FsPath("/unique"))).blob();
    assertTrue(!unique.isHashed(), "a file whose size no other file has is not hashed");
    Path out = dir.resolve("lazy-out");
    run("unsquashfs", "-no-xattrs", "-d", out.toString(), img.toString());
    for (String name : new String[] {"a", "b", "c", "unique"}) {
      assertEquals(-1L, Files.mismatch(src.resolve(name), out.resolve(name)), name);
    }
    // The same tree hashed during the walk gives the same image.
    Path eager = dir.resolve("eager.sqfs");
    SquashfsWriter.writeFile(io.cosbuild.rootfs.source.DirectorySource.readInPlace(src), eager,
        SquashfsOptions.of(Compression.GZIP));
    assertEquals(-1L, Files.mismatch(img, eager));
  }

  @Test
  void aFileThatVanishesOrChangesSizeAfterTheUnhashedReadIsAnErrorNamingIt() throws Exception {
    Path src = Files.createDirectories(dir.resolve("vanish-src"));
    Files.writeString(src.resolve("a"), "same size");
    Files.writeString(src.resolve("b"), "same-size");
    FsTree lazy = io.cosbuild.rootfs.source.DirectorySource.readInPlace(src, false);
    Files.delete(src.resolve("a"));
    java.nio.file.NoSuchFileException gone = org.junit.jupiter.api.Assertions.assertThrows(
        java.nio.file.NoSuchFileException.class,
        () -> SquashfsWriter.writeFile(lazy, dir.resolve("vanish.sqfs"), SquashfsOptions.of(Compression.GZIP)));
    assertTrue(gone.getMessage().endsWith("/a"), gone.getMessage());
    assertTrue(!Files.exists(dir.resolve("vanish.sqfs")), "no image is left behind");

    Files.writeString(src.resolve("a"), "same size");
    FsTree again = io.cosbuild.rootfs.source.DirectorySource.readInPlace(src, false);
    Files.writeString(src.resolve("b"), "longer than it was");
    IOException changed = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
        () -> SquashfsWriter.writeFile(again, dir.resolve("changed.sqfs"), SquashfsOptions.of(Compression.GZIP)));
    assertTrue(changed.getMessage().contains("/b has 18 bytes, not the 9") && changed.getMessage().contains("modified"),
        changed.getMessage());
  }

  /**
   * Attributes beyond Linux's limits (the kernel refuses them, XattrTest) are refused naming the path
   * before a byte is written; at the limits, and with an empty value, the kernel reads them back.
   */
  @Test
  void xattrsBeyondLinuxLimitsAreRefusedBeforeWritingAndAtThemAreKept() throws Exception {
    Blob content = store.put(new byte[] {1});
    for (Xattr bad : List.of(new Xattr("user." + "n".repeat(251), new byte[1]), new Xattr("user.big", new byte[65537]),
        new Xattr("user.", new byte[1]))) {
      try (FileChannel ch = FileChannel.open(dir.resolve("refused.sqfs"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        SquashfsException e = assertThrows(SquashfsException.class,
            () -> SquashfsWriter.write(oneFile(content, bad), ch, SquashfsOptions.of(Compression.GZIP)));
        assertTrue(e.getMessage().startsWith("/f: xattr") && e.getMessage().length() < 200, e.getMessage());
        assertEquals(0, ch.size(), "written before refusing: " + e.getMessage());
      }
    }
    FsTree limits = oneFile(content, new Xattr("user." + "n".repeat(250), new byte[] {'v'}),
        new Xattr("user.empty", new byte[0]), new Xattr("user.max", "v".repeat(65536).getBytes(StandardCharsets.UTF_8)));
    Path img = dir.resolve("limits.sqfs");
    SquashfsWriter.writeFile(limits, img, SquashfsOptions.of(Compression.GZIP));
    FsJudges.assertKernelShowsTree(limits, img, "squashfs", Files.createDirectories(dir.resolve("limits-mnt")));
  }

  private static FsTree oneFile(Blob content, Xattr... xattrs) throws Exception {
    FsTreeBuilder b = new FsTreeBuilder(NodeMetadata.of(0755, 0, 0, 0));
    b.add(FsPath.parse("/f"), new FsNode.RegularFile(new NodeMetadata(0644, 0, 0, 0, List.of(xattrs)), content), "t");
    return b.build();
  }

  // ---- helpers ----

  static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      fail(String.join(" ", List.of(cmd)) + " failed: " + out);
    }
    return out;
  }

}

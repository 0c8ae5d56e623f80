package io.cosbuild.rootfs.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.rootfs.ext4.Ext4Options;
import io.cosbuild.rootfs.ext4.Ext4Writer;
import io.cosbuild.rootfs.squashfs.Compression;
import io.cosbuild.rootfs.squashfs.SquashfsOptions;
import io.cosbuild.rootfs.squashfs.SquashfsWriter;
import io.cosbuild.rootfs.testutil.FsJudges;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.HostHoles;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source file with holes is written without reading them (as mke2fs -d skips them), and the images
 * are the same bytes as those of the same content written out in full: what the kernel reads back is
 * the source's content, and nothing depends on how the source stores its zeros.
 */
class SparseSourceIT {

  private static final int MIB = 1 << 20;

  @TempDir static Path tmp;
  static Path sparse;
  static Path dense;

  @BeforeAll
  static void trees() throws Exception {
    // Data not aligned to blocks or chunks: a run straddling 4 MiB, a tail at the end; holes between.
    byte[] content = new byte[9 * MIB + 100];
    SplittableRandom r = new SplittableRandom(3);
    byte[] a = new byte[3000];
    byte[] b = new byte[9000];
    byte[] c = new byte[100];
    r.nextBytes(a);
    r.nextBytes(b);
    r.nextBytes(c);
    System.arraycopy(a, 0, content, 0, a.length);
    System.arraycopy(b, 0, content, 4 * MIB - 5000, b.length);
    System.arraycopy(c, 0, content, content.length - c.length, c.length);
    sparse = Files.createDirectories(tmp.resolve("sparse"));
    dense = Files.createDirectories(tmp.resolve("dense"));
    Path s = sparse.resolve("disk.img");
    try (FileChannel ch = FileChannel.open(s, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(a), 0);
      ch.write(ByteBuffer.wrap(b), 4 * MIB - 5000);
      ch.write(ByteBuffer.wrap(c), content.length - c.length);
    }
    Path d = Files.write(dense.resolve("disk.img"), content);
    assertEquals(-1, Files.mismatch(s, d));
    assertTrue(HostHoles.of(s, content.length).holeBytes() >= 8 * MIB, "the source has holes");
    assertEquals(0, HostHoles.of(d, content.length).holeBytes(), "the copy has none");
    for (Path p : new Path[] {s, d, sparse, dense}) {
      Files.setLastModifiedTime(p, FileTime.fromMillis(1_700_000_000_000L));
    }
  }

  @Test
  void squashfs() throws Exception {
    Path fromSparse = tmp.resolve("sparse.sqfs");
    Path fromDense = tmp.resolve("dense.sqfs");
    FsTree tree = DirectorySource.readInPlace(sparse, false);
    SquashfsWriter.writeFile(tree, fromSparse, SquashfsOptions.of(Compression.GZIP));
    SquashfsWriter.writeFile(DirectorySource.readInPlace(dense, false), fromDense, SquashfsOptions.of(Compression.GZIP));
    assertEquals(-1, Files.mismatch(fromSparse, fromDense), "the images differ");
    FsJudges.assertUnsquashfsAgrees(tree, fromSparse);
    FsJudges.assertKernelShowsTree(tree, fromSparse, "squashfs", Files.createDirectories(tmp.resolve("mnt-sqfs")));
  }

  @Test
  void ext4() throws Exception {
    Path fromSparse = tmp.resolve("sparse.ext4");
    Path fromDense = tmp.resolve("dense.ext4");
    FsTree tree = DirectorySource.readInPlace(sparse, false);
    write(tree, fromSparse);
    write(DirectorySource.readInPlace(dense, false), fromDense);
    assertEquals(-1, Files.mismatch(fromSparse, fromDense), "the images differ");
    FsJudges.assertE2fsckClean(fromSparse);
    FsJudges.assertDebugfsAgrees(tree, fromSparse);
    FsJudges.assertKernelShowsTree(tree, fromSparse, "ext4", Files.createDirectories(tmp.resolve("mnt-ext4")));
  }

  private static void write(FsTree tree, Path img) throws Exception {
    try (FileChannel ch = FileChannel.open(img, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        StandardOpenOption.READ)) {
      Ext4Writer.write(tree, ch, Ext4Options.readOnlyRoot());
    }
  }
}

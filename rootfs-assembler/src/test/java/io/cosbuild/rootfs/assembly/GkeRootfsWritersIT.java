package io.cosbuild.rootfs.assembly;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.rootfs.ext4.Ext4Options;
import io.cosbuild.rootfs.ext4.Ext4Writer;
import io.cosbuild.rootfs.squashfs.Compression;
import io.cosbuild.rootfs.squashfs.SquashfsOptions;
import io.cosbuild.rootfs.squashfs.SquashfsWriter;
import io.cosbuild.rootfs.testutil.FsJudges;
import io.cosbuild.rootfs.testutil.RealDebs;
import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsTree;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both filesystem writers on a real root: the gke closure of {@link GkeClosureIT}, assembled from
 * bookworm's packages. unsquashfs, e2fsck, debugfs and the kernel (a read-only loop mount, compared
 * file by file with the tree) judge the images; the feature trees of the writers' own tests cover
 * what a Debian root lacks (devices, fifos, long names, huge directories).
 */
class GkeRootfsWritersIT {

  @TempDir static Path dir;
  static FsTree tree;

  @BeforeAll
  static void assemble() throws Exception {
    AssemblyPlan plan = GkeClosureIT.plan(RealDebs.fetch(GkeClosureIT.CLOSURE), BlobStore.open(dir.resolve("blobs")));
    tree = RootfsAssembler.assemble(plan).tree();
    long files = tree.entries().values().stream().filter(n -> n instanceof FsNode.RegularFile).count();
    long links = tree.entries().values().stream().filter(n -> n instanceof FsNode.Symlink).count();
    assertTrue(files > 300 && links > 10, "a real root: " + files + " files, " + links + " symlinks");
  }

  @Test
  void squashfsOfTheGkeRootAgreesWithUnsquashfsAndTheKernel() throws Exception {
    Path img = dir.resolve("gke.sqfs");
    SquashfsWriter.writeFile(tree, img, SquashfsOptions.of(Compression.ZSTD));
    FsJudges.assertUnsquashfsAgrees(tree, img);
    FsJudges.assertKernelShowsTree(tree, img, "squashfs", Files.createDirectories(dir.resolve("mnt-sqfs")));
  }

  @Test
  void ext4OfTheGkeRootIsCleanAndAgreesWithDebugfsAndTheKernel() throws Exception {
    Path img = dir.resolve("gke.ext4");
    try (FileChannel ch = FileChannel.open(img, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        StandardOpenOption.READ)) {
      Ext4Writer.write(tree, ch, Ext4Options.readOnlyRoot().withLabel("ROOT-A"));
    }
    FsJudges.assertE2fsckClean(img);
    FsJudges.assertDebugfsAgrees(tree, img);
    FsJudges.assertKernelShowsTree(tree, img, "ext4", Files.createDirectories(dir.resolve("mnt-ext4")));
  }
}

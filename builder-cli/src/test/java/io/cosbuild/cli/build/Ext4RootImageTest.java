package io.cosbuild.cli.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.cli.BuildFailure;
import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.NodeMetadata;
import io.cosbuild.spec.model.RootfsSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A root that outgrows the profile's rootfs.size names the field to change. */
class Ext4RootImageTest {

  @TempDir Path tmp;

  @Test
  void aRootLargerThanRootfsSizeNamesTheProfileField() throws Exception {
    byte[] content = new byte[9 << 20];
    new SplittableRandom(5).nextBytes(content);
    FsTreeBuilder b = new FsTreeBuilder(NodeMetadata.of(0755, 0, 0, 0));
    b.add(FsPath.parse("/big"), new FsNode.RegularFile(NodeMetadata.of(0644, 0, 0, 0),
        BlobStore.open(tmp.resolve("store")).put(content)), "test");
    FsTree tree = b.build();
    RootfsSpec spec = new RootfsSpec("ext4", "zstd", OptionalInt.empty(), List.of(), 131072, OptionalLong.of(8 << 20));
    BuildFailure e = assertThrows(BuildFailure.class,
        () -> Ext4RootImage.write(tree, spec, 0, "seed", tmp.resolve("root.img"),
            new Progress(new java.io.PrintWriter(java.io.Writer.nullWriter()), false, true).start("test")));
    assertTrue(e.getMessage().matches("ext4: the filesystem of 8388608 bytes is full while writing /big; give rootfs.size"
        + " in the profile a larger value, or auto to compute one \\(the size computed for this tree is \\d+M\\)"),
        e.getMessage());
  }
}

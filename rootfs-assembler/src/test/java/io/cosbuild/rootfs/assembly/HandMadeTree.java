package io.cosbuild.rootfs.assembly;

import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.NodeMetadata;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** What the step tests share: a tree under construction ({@code b}) and the blob store its files live in. */
abstract class HandMadeTree {

  @TempDir Path dir;
  BlobStore store;
  FsTreeBuilder b;

  @BeforeEach
  void emptyTree() throws Exception {
    store = BlobStore.open(dir.resolve("blobs"));
    b = new FsTreeBuilder(NodeMetadata.of(0755, 0, 0, 0));
  }

  void file(String path, String content, int mode) throws Exception {
    b.add(FsPath.parse(path), new FsNode.RegularFile(NodeMetadata.of(mode, 0, 0, 0),
        store.put(content.getBytes(StandardCharsets.UTF_8))), "t");
  }

  static String text(FsTree t, String path) throws Exception {
    var f = (FsNode.RegularFile) t.get(FsPath.parse(path)).orElseThrow();
    return new String(f.blob().readAllBytes(), StandardCharsets.UTF_8);
  }
}

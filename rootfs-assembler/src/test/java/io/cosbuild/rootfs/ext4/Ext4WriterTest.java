package io.cosbuild.rootfs.ext4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.NodeMetadata;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The derived UUID: it names the content, so it must follow every byte of it and nothing else. */
class Ext4WriterTest {

  @TempDir Path tmp;

  private int images;

  private UUID uuidOf(FsTree tree, Ext4Options o) throws Exception {
    Path img = tmp.resolve("img" + images++);
    try (FileChannel ch = FileChannel.open(img, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        StandardOpenOption.READ)) {
      return Ext4Writer.write(tree, ch, o).uuid();
    }
  }

  private FsTree tree(BlobStore store, byte[] content) throws Exception {
    FsTreeBuilder b = new FsTreeBuilder(NodeMetadata.of(0755, 0, 0, 1_700_000_000L));
    b.add(FsPath.parse("/etc"), new FsNode.Directory(NodeMetadata.of(0755, 0, 0, 1_700_000_000L)), "test");
    b.add(FsPath.parse("/etc/data"), new FsNode.RegularFile(NodeMetadata.of(0644, 0, 0, 1_700_000_000L),
        store.put(content)), "test");
    return b.build();
  }

  @Test
  void uuidFollowsFileContentByteForByte() throws Exception {
    BlobStore store = BlobStore.open(tmp.resolve("store"));
    byte[] content = TestTrees.bytes(3 * 1048576 + 5, 7); // more than one copy chunk
    Ext4Options o = Ext4Options.readOnlyRoot().withSourceDateEpoch(1_700_000_000L);
    UUID first = uuidOf(tree(store, content), o);
    assertEquals(first, uuidOf(tree(store, content.clone()), o));
    for (int at : new int[] {0, 1048576, content.length - 1}) {
      byte[] changed = content.clone();
      changed[at] ^= 1;
      assertNotEquals(first, uuidOf(tree(store, changed), o), "one byte changed at " + at);
    }
    assertEquals(5, first.version(), "a version-5-style UUID");
    assertNotEquals(first, uuidOf(tree(store, content), o.withLabel("other")));
  }

  @Test
  void givenUuidIsKept() throws Exception {
    BlobStore store = BlobStore.open(tmp.resolve("store"));
    UUID given = UUID.fromString("7c1f3b2a-0d4e-4f5a-8b6c-9d0e1f2a3b4c");
    Ext4Options o = Ext4Options.readOnlyRoot().withUuid(given);
    assertEquals(given, uuidOf(tree(store, new byte[] {1, 2, 3}), o));
  }
}

package io.cosbuild.rootfs.ext4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.NodeMetadata;
import io.cosbuild.rootfs.tree.Xattr;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The derived UUID: it names the content, so it must follow every byte of it and nothing else; and
 * what writing over a device refuses up front.
 */
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
    return tree(store, content, 1_700_000_000L);
  }

  private FsTree tree(BlobStore store, byte[] content, long mtime) throws Exception {
    FsTreeBuilder b = new FsTreeBuilder(NodeMetadata.of(0755, 0, 0, mtime));
    b.add(FsPath.parse("/etc"), new FsNode.Directory(NodeMetadata.of(0755, 0, 0, mtime)), "test");
    b.add(FsPath.parse("/etc/data"), new FsNode.RegularFile(NodeMetadata.of(0644, 0, 0, mtime),
        store.put(content)), "test");
    return b.build();
  }

  /**
   * With a source date epoch the UUID follows the mtimes as stored, clamped to it: the same tree checked out
   * later (newer mtimes) gives the same image. Without one, mtimes are stored as they are, and count.
   */
  @Test
  void uuidFollowsTheStoredMtimesNotTheSourcesOnes() throws Exception {
    BlobStore store = BlobStore.open(tmp.resolve("store"));
    byte[] content = {1, 2, 3};
    Ext4Options clamped = Ext4Options.readOnlyRoot().withSourceDateEpoch(1_600_000_000L);
    UUID first = uuidOf(tree(store, content, 1_700_000_000L), clamped);
    assertEquals(first, uuidOf(tree(store, content, 1_800_000_000L), clamped));
    assertNotEquals(first, uuidOf(tree(store, content, 1_500_000_000L), clamped), "an mtime under the epoch is kept");
    Ext4Options unclamped = Ext4Options.readOnlyRoot();
    assertNotEquals(uuidOf(tree(store, content, 1_700_000_000L), unclamped),
        uuidOf(tree(store, content, 1_800_000_000L), unclamped));
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

  /** Refusals that need no writing happen before the device's first byte changes. */
  @Test
  void refusalKnownInAdvanceLeavesTheDeviceAsItWas() throws Exception {
    BlobStore store = BlobStore.open(tmp.resolve("store"));
    NodeMetadata meta = NodeMetadata.of(0644, 0, 0, 1_700_000_000L);
    FsTree small = tree(store, new byte[] {1, 2, 3});
    FsTreeBuilder attrs = new FsTreeBuilder(NodeMetadata.of(0755, 0, 0, 1_700_000_000L));
    attrs.add(FsPath.parse("/big-xattr"), new FsNode.RegularFile(meta.withXattrs(
        List.of(new Xattr("user.big", new byte[5000]))), store.put(new byte[] {1})), "test");
    // Beyond Linux's limits (XattrTest has the kernel's word): a long name, a large value, an empty name.
    FsTreeBuilder linux = new FsTreeBuilder(NodeMetadata.of(0755, 0, 0, 1_700_000_000L));
    linux.add(FsPath.parse("/long-name"), new FsNode.RegularFile(meta.withXattrs(
        List.of(new Xattr("user." + "n".repeat(251), new byte[1]))), store.put(new byte[] {1})), "test");
    FsTreeBuilder value = new FsTreeBuilder(NodeMetadata.of(0755, 0, 0, 1_700_000_000L));
    value.add(FsPath.parse("/large-value"), new FsNode.RegularFile(meta.withXattrs(
        List.of(new Xattr("user.big", new byte[65537]))), store.put(new byte[] {1})), "test");
    FsTreeBuilder empty = new FsTreeBuilder(NodeMetadata.of(0755, 0, 0, 1_700_000_000L));
    empty.add(FsPath.parse("/empty-name"), new FsNode.RegularFile(meta.withXattrs(
        List.of(new Xattr("user.", new byte[1]))), store.put(new byte[] {1})), "test");
    // One inode with more names than EXT4_LINK_MAX (65000).
    FsNode.RegularFile linked = new FsNode.RegularFile(meta, store.put(new byte[] {1}), 1);
    java.util.TreeMap<FsPath, FsNode> links = new java.util.TreeMap<>();
    links.put(FsPath.ROOT, new FsNode.Directory(NodeMetadata.of(0755, 0, 0, 1_700_000_000L)));
    for (int i = 0; i < 66_000; i++) {
      links.put(FsPath.parse(String.format("/l%05d", i)), linked);
    }
    record Refusal(FsTree tree, long size, String message) {}
    for (Refusal r : List.of(
        new Refusal(small, 4L << 20, "too small"),
        new Refusal(attrs.build(), 16L << 20, "/big-xattr: extended attributes exceed one 4 KiB block"),
        new Refusal(linux.build(), 16L << 20, "/long-name: xattr name 'user.nnn"),
        new Refusal(value.build(), 16L << 20, "/large-value: xattr 'user.big' has a value of 65537 bytes, larger than "
            + "65536"),
        new Refusal(empty.build(), 16L << 20, "/empty-name: xattr 'user.' has an empty name"),
        new Refusal(FsTree.ofCanonical(links), 64L << 20, "/l00000: 66000 hard links; ext4 allows at most 65000"))) {
      Path device = tmp.resolve("device" + images++);
      byte[] old = TestTrees.bytes((int) r.size(), 3);
      Files.write(device, old);
      try (FileChannel ch = FileChannel.open(device, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        Ext4Exception e = assertThrows(Ext4Exception.class,
            () -> Ext4Writer.writeOnto(r.tree(), ch, Ext4Options.writable(r.size())));
        assertTrue(e.getMessage().contains(r.message()) && e.getMessage().length() < 200, e.getMessage());
      }
      assertEquals(-1, java.util.Arrays.mismatch(old, Files.readAllBytes(device)), r.message());
    }
  }
}

package io.cosbuild.rootfs.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FsTreeTest {

  @TempDir Path dir;
  final NodeMetadata dirMeta = NodeMetadata.of(0755, 0, 0, 0);
  final NodeMetadata fileMeta = NodeMetadata.of(0644, 0, 0, 0);

  private TreeMap<FsPath, FsNode> base() {
    TreeMap<FsPath, FsNode> m = new TreeMap<>();
    m.put(FsPath.ROOT, new FsNode.Directory(dirMeta));
    m.put(FsPath.parse("/etc"), new FsNode.Directory(dirMeta));
    return m;
  }

  private Blob blob(String s) throws Exception {
    return BlobStore.open(dir.resolve("blobs")).put(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void canonicalNodesMakeTheSameTreeAsTheBuilder() throws Exception {
    Blob b = blob("x");
    TreeMap<FsPath, FsNode> m = base();
    FsNode.RegularFile grouped = new FsNode.RegularFile(fileMeta, b, 1);
    m.put(FsPath.parse("/etc/a"), grouped);
    m.put(FsPath.parse("/etc/b"), grouped);
    m.put(FsPath.parse("/etc/c"), new FsNode.Symlink(fileMeta.withPermissions(0777), "a"));
    FsTree direct = FsTree.ofCanonical(m);

    FsTreeBuilder builder = new FsTreeBuilder(dirMeta);
    builder.add(FsPath.parse("/etc"), new FsNode.Directory(dirMeta), "t");
    builder.add(FsPath.parse("/etc/a"), new FsNode.RegularFile(fileMeta, b), "t");
    builder.addHardlink(FsPath.parse("/etc/b"), FsPath.parse("/etc/a"), "t");
    builder.add(FsPath.parse("/etc/c"), new FsNode.Symlink(fileMeta.withPermissions(0777), "a"), "t");
    FsTree built = builder.build();

    assertEquals(built.entries(), direct.entries());
    assertEquals(2, direct.linkCount(grouped));
    assertEquals(java.util.List.of("a", "b", "c"), direct.children(FsPath.parse("/etc")));
  }

  @Test
  void aParentThatIsNotADirectoryIsRefused() throws Exception {
    TreeMap<FsPath, FsNode> m = base();
    m.put(FsPath.parse("/bin"), new FsNode.Symlink(fileMeta, "usr/bin"));
    m.put(FsPath.parse("/bin/ls"), new FsNode.RegularFile(fileMeta, blob("ls")));
    assertThrows(IllegalArgumentException.class, () -> FsTree.ofCanonical(m));
    TreeMap<FsPath, FsNode> orphan = base();
    orphan.put(FsPath.parse("/usr/bin/ls"), new FsNode.RegularFile(fileMeta, blob("ls")));
    assertThrows(IllegalArgumentException.class, () -> FsTree.ofCanonical(orphan));
  }

  @Test
  void namesOfOneLinkGroupMustShareTheirNodeAndGroupsGoInPathOrder() throws Exception {
    TreeMap<FsPath, FsNode> m = base();
    m.put(FsPath.parse("/etc/a"), new FsNode.RegularFile(fileMeta, blob("x"), 1));
    m.put(FsPath.parse("/etc/b"), new FsNode.RegularFile(fileMeta.withPermissions(0600), blob("x"), 1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FsTree.ofCanonical(m));
    assertTrue(e.getMessage().contains("link group 1"), e.getMessage());

    TreeMap<FsPath, FsNode> unordered = base();
    unordered.put(FsPath.parse("/etc/a"), new FsNode.RegularFile(fileMeta, blob("x"), 2));
    unordered.put(FsPath.parse("/etc/b"), new FsNode.RegularFile(fileMeta, blob("y"), 1));
    assertThrows(IllegalArgumentException.class, () -> FsTree.ofCanonical(unordered));
  }
}

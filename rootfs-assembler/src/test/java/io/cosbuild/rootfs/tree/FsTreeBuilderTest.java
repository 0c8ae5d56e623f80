package io.cosbuild.rootfs.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FsTreeBuilderTest {

  @TempDir Path dir;
  BlobStore store;
  final NodeMetadata dirMeta = NodeMetadata.of(0755, 0, 0, 0);
  final NodeMetadata fileMeta = NodeMetadata.of(0644, 0, 0, 0);

  @BeforeEach
  void setUp() throws Exception {
    store = BlobStore.open(dir.resolve("blobs"));
  }

  FsNode.RegularFile file(String content) {
    return new FsNode.RegularFile(fileMeta, store.put(content.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void mergedUsrPathsAreCanonicalised() throws Exception {
    FsTreeBuilder b = new FsTreeBuilder(dirMeta);
    b.add(FsPath.parse("/usr/bin"), new FsNode.Directory(dirMeta), "base");
    b.add(FsPath.parse("/bin"), new FsNode.Symlink(fileMeta.withPermissions(0777), "usr/bin"), "base");
    FsPath at = b.add(FsPath.parse("./bin/ls"), file("ls"), "coreutils");
    assertEquals("/usr/bin/ls", at.value());
    FsTree t = b.build();
    assertTrue(t.contains(FsPath.parse("/usr/bin/ls")));
    assertFalse(t.contains(FsPath.parse("/bin/ls")));
  }

  @Test
  void refusesDotDotAndSymlinkEscapes() throws Exception {
    assertThrows(IllegalArgumentException.class, () -> FsPath.parse("usr/../../etc/passwd"));
    FsTreeBuilder b = new FsTreeBuilder(dirMeta);
    b.add(FsPath.parse("/a/up"), new FsNode.Symlink(fileMeta, "../../.."), "evil");
    UnsafePathException e = assertThrows(UnsafePathException.class, () -> b.add(FsPath.parse("/a/up/etc/x"), file("x"), "evil"));
    assertTrue(e.getMessage().contains("above the image root"), e.getMessage());
    // An absolute symlink resolves inside the image, never on the host.
    b.add(FsPath.parse("/abs"), new FsNode.Symlink(fileMeta, "/etc"), "pkg");
    assertEquals("/etc/hosts", b.add(FsPath.parse("/abs/hosts"), file("h"), "pkg").value());
  }

  @Test
  void conflictingContentNamesBothOrigins() throws Exception {
    FsTreeBuilder b = new FsTreeBuilder(dirMeta);
    b.add(FsPath.parse("/etc/x"), file("one"), "pkg-a");
    b.add(FsPath.parse("/etc/x"), file("one"), "pkg-b"); // identical content is fine
    PathConflictException e = assertThrows(PathConflictException.class, () -> b.add(FsPath.parse("/etc/x"), file("two"), "pkg-c"));
    assertEquals("pkg-a", e.existingOrigin());
    assertEquals("pkg-c", e.newOrigin());
    assertTrue(e.getMessage().startsWith("/etc/x: pkg-c conflicts with pkg-a"), e.getMessage());
  }

  @Test
  void oneSourceWithTwoEntriesForAPathSaysSo() throws Exception {
    FsTreeBuilder b = new FsTreeBuilder(dirMeta);
    b.add(FsPath.parse("/etc/a"), file("first"), "dup.tar");
    PathConflictException e = assertThrows(PathConflictException.class, () -> b.add(FsPath.parse("/etc/a"), file("second"), "dup.tar"));
    assertTrue(e.getMessage().startsWith("/etc/a: dup.tar has two different entries for it (file "), e.getMessage());
    assertTrue(e.getMessage().endsWith("leave one of them in"), e.getMessage());
  }

  /** A hard link to a symlink (or fifo, socket, device) is another node like it; one to a directory is refused. */
  @Test
  void hardLinksToOtherThanFilesAreCopiesAndToDirectoriesRefused() throws Exception {
    FsTreeBuilder b = new FsTreeBuilder(dirMeta);
    b.add(FsPath.parse("/d/sym"), new FsNode.Symlink(fileMeta.withPermissions(0777), "f"), "t.tar");
    b.add(FsPath.parse("/d/fifo"), new FsNode.Fifo(fileMeta), "t.tar");
    b.addHardlink(FsPath.parse("/d/hsym"), FsPath.parse("/d/sym"), "t.tar");
    b.addHardlink(FsPath.parse("/d/hfifo"), FsPath.parse("/d/fifo"), "t.tar");
    FsTree t = b.build();
    assertEquals(t.get(FsPath.parse("/d/sym")), t.get(FsPath.parse("/d/hsym")));
    assertInstanceOf(FsNode.Fifo.class, t.get(FsPath.parse("/d/hfifo")).orElseThrow());
    TreeException e = assertThrows(TreeException.class,
        () -> b.addHardlink(FsPath.parse("/x"), FsPath.parse("/d"), "t.tar"));
    assertTrue(e.getMessage().contains("hard-links to /d, which is a directory"), e.getMessage());
  }

  @Test
  void passingThroughAFileIsRefused() throws Exception {
    FsTreeBuilder b = new FsTreeBuilder(dirMeta);
    b.add(FsPath.parse("/f"), file("f"), "p");
    assertThrows(UnsafePathException.class, () -> b.add(FsPath.parse("/f/g"), file("g"), "p"));
  }

  @Test
  void hardlinksShareAGroupAndMissingTargetsAreRefused() throws Exception {
    FsTreeBuilder b = new FsTreeBuilder(dirMeta);
    b.add(FsPath.parse("/usr/bin/gzip"), file("gz"), "gzip");
    b.addHardlink(FsPath.parse("/usr/bin/gunzip"), FsPath.parse("/usr/bin/gzip"), "gzip");
    assertThrows(TreeException.class, () -> b.addHardlink(FsPath.parse("/x"), FsPath.parse("/missing"), "evil"));
    FsTree t = b.build();
    FsNode.RegularFile a = (FsNode.RegularFile) t.get(FsPath.parse("/usr/bin/gzip")).orElseThrow();
    FsNode.RegularFile c = (FsNode.RegularFile) t.get(FsPath.parse("/usr/bin/gunzip")).orElseThrow();
    assertEquals(a.linkGroup(), c.linkGroup());
    assertEquals(2, t.linkCount(a));
  }

  @Test
  void orderOfAdditionDoesNotChangeTheTree() throws Exception {
    List<String> names = List.of("/b", "/a/z", "/a/\u00e9", "/a/B", "/c/d/e", "/a-b");
    FsTreeBuilder one = new FsTreeBuilder(dirMeta);
    for (String n : names) {
      one.add(FsPath.parse(n), file(n), "x");
    }
    List<String> reversed = new ArrayList<>(names);
    java.util.Collections.reverse(reversed);
    FsTreeBuilder two = new FsTreeBuilder(dirMeta);
    for (String n : reversed) {
      two.add(FsPath.parse(n), file(n), "x");
    }
    assertEquals(one.build().entries(), two.build().entries());
    List<String> order = one.build().entries().keySet().stream().map(FsPath::value).toList();
    assertEquals(List.of("/", "/a", "/a/B", "/a/z", "/a/\u00e9", "/a-b", "/b", "/c", "/c/d", "/c/d/e"), order);
  }

  @Test
  void removeTakesTheSubtree() throws Exception {
    FsTreeBuilder b = new FsTreeBuilder(dirMeta);
    b.add(FsPath.parse("/usr/share/doc/a/copyright"), file("c"), "a");
    b.add(FsPath.parse("/usr/share/docs"), file("d"), "a");
    assertTrue(b.remove(FsPath.parse("/usr/share/doc")));
    FsTree t = b.build();
    assertFalse(t.contains(FsPath.parse("/usr/share/doc/a/copyright")));
    assertTrue(t.contains(FsPath.parse("/usr/share/docs")));
    assertInstanceOf(FsNode.Directory.class, t.get(FsPath.parse("/usr/share")).orElseThrow());
  }
}

package io.cosbuild.rootfs.assembly;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.NodeMetadata;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The profile's init must be an executable file in the root, links followed inside it. */
class InitCheckTest {

  @TempDir Path dir;
  FsTree tree;

  @BeforeEach
  void setUp() throws Exception {
    BlobStore store = BlobStore.open(dir.resolve("blobs"));
    FsTreeBuilder b = new FsTreeBuilder(NodeMetadata.of(0755, 0, 0, 0));
    b.add(FsPath.parse("/usr/sbin"), new FsNode.Directory(NodeMetadata.of(0755, 0, 0, 0)), "t");
    b.add(FsPath.parse("/usr/lib/systemd"), new FsNode.Directory(NodeMetadata.of(0755, 0, 0, 0)), "t");
    b.add(FsPath.parse("/sbin"), new FsNode.Symlink(NodeMetadata.of(0777, 0, 0, 0), "usr/sbin"), "t");
    b.add(FsPath.parse("/usr/lib/systemd/systemd"), new FsNode.RegularFile(NodeMetadata.of(0755, 0, 0, 0), store.put(new byte[1])), "t");
    // Absolute target: resolved inside the image, as after switch_root.
    b.add(FsPath.parse("/usr/sbin/init"), new FsNode.Symlink(NodeMetadata.of(0777, 0, 0, 0), "/lib/systemd/systemd"), "t");
    b.add(FsPath.parse("/lib"), new FsNode.Symlink(NodeMetadata.of(0777, 0, 0, 0), "usr/lib"), "t");
    b.add(FsPath.parse("/usr/sbin/data"), new FsNode.RegularFile(NodeMetadata.of(0644, 0, 0, 0), store.put(new byte[1])), "t");
    b.add(FsPath.parse("/usr/sbin/dangling"), new FsNode.Symlink(NodeMetadata.of(0777, 0, 0, 0), "gone"), "t");
    tree = b.build();
  }

  private String refused(String init) {
    return assertThrows(AssemblyException.class, () -> InitCheck.require(tree, init)).getMessage();
  }

  @Test
  void anExecutableReachedThroughLinksPasses() {
    assertDoesNotThrow(() -> InitCheck.require(tree, "/sbin/init"));
    assertDoesNotThrow(() -> InitCheck.require(tree, "/usr/lib/systemd/systemd"));
  }

  @Test
  void whatCannotRunIsRefusedNamingTheField() {
    for (String bad : List.of("/sbin/nonexistent", "/sbin/dangling", "/sbin", "/sbin/data")) {
      String m = refused(bad);
      assertTrue(m.startsWith("init: " + bad + " "), m);
    }
    assertTrue(refused("/sbin/nonexistent").contains("is not in the image"));
    assertTrue(refused("/sbin/dangling").contains("dangling link"));
    assertTrue(refused("/sbin").contains("/usr/sbin) is not a regular file"), refused("/sbin"));
    assertTrue(refused("/sbin/data").contains("is not executable (mode 0644)"), refused("/sbin/data"));
  }
}

package io.cosbuild.rootfs.initramfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.NodeMetadata;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelConfigTest {

  @TempDir Path dir;

  /** Lines as Debian's /boot/config-6.1.0-57-cloud-amd64 has them. */
  private static final String CONFIG = """
      #
      # Automatically generated file; DO NOT EDIT.
      #
      CONFIG_SQUASHFS=m
      CONFIG_SQUASHFS_ZSTD=y
      # CONFIG_XZ_DEC_ARM is not set
      CONFIG_XZ_DEC_X86=y
      CONFIG_DEFAULT_HOSTNAME="(none)"
      """;

  @Test
  void readsBuiltInModulesAndUnsetOptions() {
    KernelConfig c = KernelConfig.parse("6.1.0-57-cloud-amd64", CONFIG);
    assertTrue(c.builtIn("CONFIG_XZ_DEC_X86"));
    assertTrue(c.available("CONFIG_SQUASHFS"));
    assertFalse(c.builtIn("CONFIG_SQUASHFS"), "a module is not built in");
    assertFalse(c.available("CONFIG_XZ_DEC_ARM"), "is not set");
    assertFalse(c.available("CONFIG_XZ_DEC_ARM64"), "absent");
    assertFalse(c.available("CONFIG_DEFAULT_HOSTNAME"));
    assertEquals("/boot/config-6.1.0-57-cloud-amd64", c.path());
  }

  @Test
  void comesFromTheBootTreesKernelOrIsAbsent() throws Exception {
    BlobStore store = BlobStore.open(dir.resolve("blobs"));
    NodeMetadata d = NodeMetadata.of(0755, 0, 0, 0);
    FsTreeBuilder b = new FsTreeBuilder(d);
    b.add(FsPath.parse("/lib/modules/6.1.0-57-cloud-amd64"), new FsNode.Directory(d), "test");
    assertTrue(KernelConfig.of(b.build()).isEmpty(), "a kernel package without its config");
    b.add(FsPath.parse("/boot/config-6.1.0-57-cloud-amd64"),
        new FsNode.RegularFile(NodeMetadata.of(0644, 0, 0, 0), store.put(CONFIG.getBytes(StandardCharsets.UTF_8))), "test");
    FsTree tree = b.build();
    KernelConfig c = KernelConfig.of(tree).orElseThrow();
    assertEquals("6.1.0-57-cloud-amd64", c.release());
    assertTrue(c.builtIn("CONFIG_SQUASHFS_ZSTD"));
  }
}

package io.cosbuild.cli.build;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cosbuild.cli.BuildFailure;
import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.NodeMetadata;
import io.cosbuild.spec.ProfileLoader;
import io.cosbuild.spec.model.ImageProfile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A profile whose kernel could not boot what is built for it is refused, by the kernel's own configuration. */
class KernelSupportTest {

  @TempDir Path dir;

  /**
   * The options Debian 12's arm64 cloud kernel (6.1.0-57-cloud-arm64) has for what cosbuild builds: no xz branch
   * filter at all.
   */
  private static final String ARM64_61 = """
      CONFIG_RD_GZIP=y
      CONFIG_RD_ZSTD=y
      CONFIG_DM_VERITY=m
      CONFIG_EXT4_FS=y
      CONFIG_SQUASHFS=m
      CONFIG_SQUASHFS_ZLIB=y
      CONFIG_SQUASHFS_LZ4=y
      CONFIG_SQUASHFS_XZ=y
      CONFIG_SQUASHFS_ZSTD=y
      CONFIG_XZ_DEC=y
      # CONFIG_XZ_DEC_X86 is not set
      # CONFIG_XZ_DEC_ARM is not set
      """;
  /** The amd64 one differs here in having the x86 filter. */
  private static final String AMD64_61 = ARM64_61.replace("# CONFIG_XZ_DEC_X86 is not set", "CONFIG_XZ_DEC_X86=y");

  private ImageProfile profile(String yaml) throws Exception {
    Files.writeString(dir.resolve("p.yaml"), "packages:\n  include: [busybox]\n" + yaml);
    return new ProfileLoader(List.of(dir)).load("p").profile();
  }

  private FsTree boot(String config) throws Exception {
    NodeMetadata d = NodeMetadata.of(0755, 0, 0, 0);
    FsTreeBuilder b = new FsTreeBuilder(d);
    b.add(FsPath.parse("/lib/modules/6.1.0-57-cloud-arm64"), new FsNode.Directory(d), "test");
    if (config != null) {
      b.add(FsPath.parse("/boot/config-6.1.0-57-cloud-arm64"), new FsNode.RegularFile(NodeMetadata.of(0644, 0, 0, 0),
          BlobStore.open(dir.resolve("blobs")).put(config.getBytes(StandardCharsets.UTF_8))), "test");
    }
    return b.build();
  }

  @Test
  void whatTheKernelHasIsAcceptedAndWhatItLacksIsNamedWithTheProfileField() throws Exception {
    assertDoesNotThrow(() -> BootStage.requireKernelSupport(boot(ARM64_61), profile("")));
    assertDoesNotThrow(() -> BootStage.requireKernelSupport(boot(AMD64_61),
        profile("rootfs:\n  compression: xz\n  compression-level: 6\n  xz-bcj: [x86]\n")));
    BuildFailure e = assertThrows(BuildFailure.class, () -> BootStage.requireKernelSupport(boot(ARM64_61),
        profile("rootfs:\n  compression: xz\n  xz-bcj: [x86, arm64]\n")));
    assertEquals("kernel 6.1.0-57-cloud-arm64 cannot boot this image: its /boot/config-6.1.0-57-cloud-arm64 lacks "
        + "CONFIG_XZ_DEC_X86=y (rootfs.xz-bcj: x86), CONFIG_XZ_DEC_ARM64=y (rootfs.xz-bcj: arm64); change the profile "
        + "or kernel.package", e.getMessage());
    String noZstd = ARM64_61.replace("CONFIG_SQUASHFS_ZSTD=y", "# CONFIG_SQUASHFS_ZSTD is not set")
        .replace("CONFIG_RD_ZSTD=y", "");
    e = assertThrows(BuildFailure.class, () -> BootStage.requireKernelSupport(boot(noZstd),
        profile("kernel:\n  initramfs-compression: zstd\n")));
    assertEquals("kernel 6.1.0-57-cloud-arm64 cannot boot this image: its /boot/config-6.1.0-57-cloud-arm64 lacks "
        + "CONFIG_SQUASHFS_ZSTD=y (rootfs.compression: zstd), CONFIG_RD_ZSTD=y (kernel.initramfs-compression: zstd); "
        + "change the profile or kernel.package", e.getMessage());
    assertDoesNotThrow(() -> BootStage.requireKernelSupport(boot(noZstd), profile("rootfs:\n  type: ext4\n")));
    e = assertThrows(BuildFailure.class, () -> BootStage.requireKernelSupport(boot(ARM64_61.replace("CONFIG_DM_VERITY=m", "")),
        profile("rootfs:\n  type: ext4\n")));
    assertEquals("kernel 6.1.0-57-cloud-arm64 cannot boot this image: its /boot/config-6.1.0-57-cloud-arm64 lacks "
        + "CONFIG_DM_VERITY=y or =m (dm-verity); change the profile or kernel.package", e.getMessage());
    // ext4 as a module would not do: the initramfs loads none, and mounts STATE and OEM as ext4 whatever the root.
    e = assertThrows(BuildFailure.class, () -> BootStage.requireKernelSupport(boot(ARM64_61.replace("CONFIG_EXT4_FS=y",
        "CONFIG_EXT4_FS=m")), profile("")));
    assertEquals("kernel 6.1.0-57-cloud-arm64 cannot boot this image: its /boot/config-6.1.0-57-cloud-arm64 lacks "
        + "CONFIG_EXT4_FS=y (STATE and OEM); change the profile or kernel.package", e.getMessage());
  }

  @Test
  void aKernelPackageWithoutItsConfigIsNotChecked() throws Exception {
    assertDoesNotThrow(() -> BootStage.requireKernelSupport(boot(null),
        profile("rootfs:\n  compression: xz\n  xz-bcj: [arm64]\n")));
  }
}

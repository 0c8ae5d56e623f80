package io.cosbuild.cli.build;

import io.cosbuild.cli.BuildFailure;
import io.cosbuild.rootfs.fat.FatException;
import io.cosbuild.rootfs.fat.FatOptions;
import io.cosbuild.rootfs.fat.FatWriter;
import io.cosbuild.rootfs.tree.Blob;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.NodeMetadata;
import io.cosbuild.rootfs.tree.TreeException;
import io.cosbuild.spec.model.Architecture;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * The EFI system partition of a firmware-bootable disk: FAT32 with the unified kernel image at the path UEFI
 * firmware starts from removable media ({@code /EFI/BOOT/BOOTX64.EFI}, {@code BOOTAA64.EFI}), so a machine or
 * a cloud VM with no boot entries boots it (slot A). With a copy in slot B, slot B's image is at {@value #SLOT_B},
 * for a boot entry (e.g. {@code efibootmgr} with {@code BootNext} to try it once). Stateless.
 */
final class EspStage {

  /** Where slot B's unified kernel image lies on the ESP (8.3 names: the FAT writer writes no long names). */
  static final String SLOT_B = "/EFI/COSBUILD/SLOTB.EFI";

  private EspStage() {}

  /**
   * Writes the ESP's filesystem as a sparse file of {@code bytes} (FatWriter leaves free clusters as holes).
   *
   * @param firstLba where the partition starts on the disk (FAT records it as hidden sectors)
   */
  static void make(Path image, long bytes, long firstLba, Path uki, Path ukiB, Architecture arch, String seed, long epoch)
      throws IOException, BuildFailure {
    FsTreeBuilder b = new FsTreeBuilder(NodeMetadata.of(0755, 0, 0, epoch));
    try {
      b.add(FsPath.parse("/EFI"), new FsNode.Directory(NodeMetadata.of(0755, 0, 0, epoch)), "esp");
      b.add(FsPath.parse("/EFI/BOOT"), new FsNode.Directory(NodeMetadata.of(0755, 0, 0, epoch)), "esp");
      b.add(FsPath.parse("/EFI/BOOT/" + UnifiedKernelImage.defaultBootFile(arch)),
          new FsNode.RegularFile(NodeMetadata.of(0644, 0, 0, epoch), Blob.unhashed(Files.size(uki), uki)), "esp");
      if (ukiB != null) {
        b.add(FsPath.parse("/EFI/COSBUILD"), new FsNode.Directory(NodeMetadata.of(0755, 0, 0, epoch)), "esp");
        b.add(FsPath.parse(SLOT_B),
            new FsNode.RegularFile(NodeMetadata.of(0644, 0, 0, epoch), Blob.unhashed(Files.size(ukiB), ukiB)), "esp");
      }
    } catch (TreeException e) {
      throw new IllegalStateException(e);
    }
    FsTree tree = b.build();
    try (FileChannel ch = FileChannel.open(image, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      FatWriter.write(tree, ch, 0, bytes, new FatOptions(volumeId(seed), "ESP", epoch, firstLba));
    } catch (FatException e) {
      throw new BuildFailure("disk: the EFI system partition (disk.esp-size " + bytes / (1 << 20) + " MiB): "
          + e.getMessage(), e);
    }
  }

  /** A FAT volume serial number derived from the build's seed, as STATE's and OEM's filesystem UUIDs are. */
  static int volumeId(String seed) {
    return (int) (UUID.nameUUIDFromBytes((seed + "/ESP").getBytes(StandardCharsets.UTF_8)).getMostSignificantBits() >>> 32);
  }
}

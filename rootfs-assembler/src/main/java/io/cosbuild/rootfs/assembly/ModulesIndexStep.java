package io.cosbuild.rootfs.assembly;

import io.cosbuild.rootfs.initramfs.InitramfsException;
import io.cosbuild.rootfs.initramfs.ModulesIndex;
import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import java.util.Map;

/**
 * Writes depmod's files for every kernel release the root holds modules of (a kernel package kept in
 * the root with {@code kernel.keep-modules}): Debian's kernel packages leave them to depmod in their
 * maintainer scripts, which cosbuild does not run. Without them modprobe finds no module.
 */
final class ModulesIndexStep {

  private final BlobStore blobs;
  private final long epoch;

  ModulesIndexStep(BlobStore blobs, long epoch) {
    this.blobs = blobs;
    this.epoch = epoch;
  }

  FsTree apply(FsTree tree) throws AssemblyException {
    var releases = ModulesIndex.releases(tree);
    if (releases.isEmpty()) {
      return tree;
    }
    FsTreeBuilder b = tree.toBuilder();
    for (Map.Entry<String, String> r : releases.entrySet()) {
      String release = r.getKey();
      ModulesIndex index;
      try {
        index = ModulesIndex.of(tree, release);
      } catch (InitramfsException e) {
        throw new AssemblyException("kernel modules of " + release + ": " + e.getMessage(), e);
      }
      for (Map.Entry<String, byte[]> f : index.files().entrySet()) {
        TreeEdits.writeBytes(b, blobs, FsPath.parse(r.getValue() + "/" + f.getKey()), f.getValue(), 0644, 0, 0, epoch,
            "depmod");
      }
    }
    return b.build();
  }
}

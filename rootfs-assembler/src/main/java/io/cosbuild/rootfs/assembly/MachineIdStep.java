package io.cosbuild.rootfs.assembly;

import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;

/**
 * Writes an empty {@code /etc/machine-id} (mode 0444): systemd then treats the boot as the first
 * boot and generates the id, so no two machines share one baked into the image.
 * Immutable and thread-safe.
 */
public final class MachineIdStep {

  private final BlobStore store;
  private final long epoch;

  public MachineIdStep(BlobStore store, long epoch) {
    this.store = store;
    this.epoch = epoch;
  }

  public FsTree apply(FsTree tree) throws AssemblyException {
    FsTreeBuilder b = tree.toBuilder();
    TreeEdits.writeText(b, store, "/etc/machine-id", "", 0444, epoch, "machine-id");
    return b.build();
  }
}

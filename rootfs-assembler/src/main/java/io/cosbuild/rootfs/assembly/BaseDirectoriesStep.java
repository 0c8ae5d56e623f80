package io.cosbuild.rootfs.assembly;

import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.NodeMetadata;
import io.cosbuild.rootfs.tree.TreeException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Makes sure the directories every Linux root needs exist, whichever packages were installed
 * (debootstrap creates them; no package has to ship them): the API mount points {@code /dev},
 * {@code /proc}, {@code /sys}, {@code /run}, and {@code /tmp}, {@code /var/tmp} (1777), and the
 * FHS's {@code /srv} and {@code /media}, which base-files' postinst (not run) makes: systemd-tmpfiles
 * creates {@code /srv} at boot otherwise, and fails on a read-only root. Existing entries are left
 * alone. Immutable and thread-safe.
 */
public final class BaseDirectoriesStep {

  static final Map<String, Integer> DIRECTORIES = new TreeMap<>(Map.of(
      "/dev", 0755, "/proc", 0555, "/sys", 0555, "/run", 0755, "/tmp", 01777, "/var", 0755, "/var/tmp", 01777,
      "/srv", 0755, "/media", 0755));

  private final long epoch;

  public BaseDirectoriesStep(long epoch) {
    this.epoch = epoch;
  }

  public FsTree apply(FsTree tree) throws AssemblyException {
    FsTreeBuilder b = tree.toBuilder();
    try {
      for (Map.Entry<String, Integer> d : DIRECTORIES.entrySet()) {
        FsPath p = FsPath.parse(d.getKey());
        if (b.get(p).isEmpty()) {
          b.add(p, new FsNode.Directory(NodeMetadata.of(d.getValue(), 0, 0, epoch)), "base directories");
        }
      }
    } catch (TreeException e) {
      throw new AssemblyException("base directories: " + e.getMessage(), e);
    }
    return b.build();
  }
}

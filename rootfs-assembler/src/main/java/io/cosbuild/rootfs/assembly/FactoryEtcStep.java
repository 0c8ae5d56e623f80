package io.cosbuild.rootfs.assembly;

import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.TreeException;
import java.util.Map;

/**
 * Keeps a pristine copy of the image's {@code /etc} at {@code /usr/share/factory/etc} (systemd's
 * convention), so a stateless {@code /etc} can be rebuilt from the verity-protected {@code /usr}.
 * File contents are shared with {@code /etc} through the blob store, so the copy costs no bytes
 * until a filesystem writer stores it. Symlink targets are copied verbatim: they are meant to work
 * once copied back to {@code /etc}. Run it after every step that writes {@code /etc}.
 * Immutable and thread-safe.
 */
public final class FactoryEtcStep {

  public static final FsPath FACTORY_ETC = FsPath.parse("/usr/share/factory/etc");

  public FsTree apply(FsTree tree) throws AssemblyException {
    FsPath etc = FsPath.parse("/etc");
    if (!(tree.get(etc).orElse(null) instanceof FsNode.Directory)) {
      return tree;
    }
    FsTreeBuilder b = tree.toBuilder();
    try {
      b.remove(FACTORY_ETC);
      for (Map.Entry<FsPath, FsNode> e : tree.entries().tailMap(etc, true).entrySet()) {
        if (!e.getKey().startsWith(etc)) {
          break;
        }
        FsPath copy = FsPath.parse(FACTORY_ETC.value() + e.getKey().value().substring(etc.value().length()));
        FsNode n = e.getValue();
        if (n instanceof FsNode.RegularFile f && f.linkGroup() != 0) {
          n = new FsNode.RegularFile(f.metadata(), f.blob());
        }
        b.add(copy, n, "factory /etc");
      }
    } catch (TreeException e) {
      throw new AssemblyException("factory /etc: " + e.getMessage(), e);
    }
    return b.build();
  }
}

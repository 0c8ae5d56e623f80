package io.cosbuild.rootfs.assembly;

import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.TreeException;
import java.util.Optional;

/**
 * The initramfs {@code switch_root}s to the profile's init; a root without it panics at every boot.
 * So the assembled tree must hold an executable regular file there, symlinks followed inside the
 * root as the kernel follows them after {@code switch_root}. Stateless.
 */
final class InitCheck {

  private InitCheck() {}

  static void require(FsTree tree, String init) throws AssemblyException {
    FsPath path;
    try {
      path = FsPath.parse(init);
    } catch (IllegalArgumentException e) {
      throw new AssemblyException("init: '" + init + "' is not an absolute path in the image: " + e.getMessage(), e);
    }
    Optional<FsPath> target;
    boolean dangling;
    try {
      var b = tree.toBuilder();
      target = b.resolve(path);
      Optional<FsPath> dir = path.isRoot() ? Optional.empty() : b.resolve(path.parent());
      dangling = target.isEmpty() && dir.isPresent() && tree.contains(dir.get().resolve(path.name()));
    } catch (TreeException e) {
      throw new AssemblyException("init: " + init + ": " + e.getMessage(), e);
    }
    String where = target.isPresent() && !target.get().equals(path) ? " (" + target.get() + ")" : "";
    if (target.isEmpty() || tree.get(target.get()).isEmpty()) {
      throw new AssemblyException("init: " + init + " is not in the image" + (dangling ? " (a dangling link)" : "")
          + "; the boot would stop with no init to run. Install the package that ships it, add it under files, or set init"
          + " to a program the image has");
    }
    FsNode node = tree.get(target.get()).get();
    if (!(node instanceof FsNode.RegularFile)) {
      throw new AssemblyException("init: " + init + where + " is not a regular file; set init to a program");
    }
    if ((node.metadata().permissions() & 0111) == 0) {
      throw new AssemblyException("init: " + init + where + " is not executable (mode "
          + String.format("%04o", node.metadata().permissions() & 07777) + "); give it mode 0755");
    }
  }
}

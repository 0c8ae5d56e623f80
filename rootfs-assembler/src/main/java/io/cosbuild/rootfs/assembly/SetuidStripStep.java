package io.cosbuild.rootfs.assembly;

import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.TreeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Clears the setuid and setgid bits of every regular file except the kept ones: on a host without login
 * accounts su, passwd, chsh, newgrp or a user-mountable mount only give a process that breaks out of a
 * container a way up. Directories keep their setgid bit (it only makes new files inherit the group).
 * Every kept path must name such a file in the image (links followed), so that a misspelt entry fails the
 * build instead of quietly keeping nothing. Immutable and thread-safe.
 */
public final class SetuidStripStep {

  private static final int SET_ID_BITS = 06000;

  private final List<String> keep;

  /** @param keep absolute paths whose bits stay */
  public SetuidStripStep(List<String> keep) {
    this.keep = List.copyOf(keep);
  }

  public FsTree apply(FsTree tree) throws AssemblyException {
    // One copy of the tree: it resolves the kept paths, then changes the modes.
    FsTreeBuilder b = tree.toBuilder();
    Set<FsPath> kept = new TreeSet<>();
    try {
      for (String k : keep) {
        Optional<FsPath> p = b.resolve(FsPath.parse(k));
        if (p.isEmpty() || !(tree.get(p.get()).orElse(null) instanceof FsNode.RegularFile f)
            || (f.metadata().permissions() & SET_ID_BITS) == 0) {
          throw new AssemblyException("security.keep-setuid: " + k + " is not a setuid or setgid file in the image");
        }
        kept.add(p.get());
      }
    } catch (TreeException e) {
      throw new AssemblyException("security.keep-setuid: " + e.getMessage(), e);
    }
    // Hard links share the inode: a kept name keeps the bits of every name of that file.
    List<Integer> keptGroups = new ArrayList<>();
    for (FsPath p : kept) {
      if (tree.get(p).orElseThrow() instanceof FsNode.RegularFile f && f.linkGroup() != 0) {
        keptGroups.add(f.linkGroup());
      }
    }
    b.mapMetadata((path, m) -> {
      if ((m.permissions() & SET_ID_BITS) == 0 || kept.contains(path)
          || !(tree.get(path).orElse(null) instanceof FsNode.RegularFile f) || keptGroups.contains(f.linkGroup())) {
        return m;
      }
      return m.withPermissions(m.permissions() & ~SET_ID_BITS);
    });
    return b.build();
  }
}

package io.cosbuild.cli.build;

import io.cosbuild.cli.BuildFailure;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.spec.model.RootfsSpec;
import java.nio.file.Path;

/** The ext4 root image; wired to the ext4 writer. */
final class Ext4RootImage {
  private Ext4RootImage() {}

  static String write(FsTree tree, RootfsSpec spec, long epoch, String seed, Path target) throws BuildFailure {
    throw new BuildFailure("rootfs.type ext4 is not implemented yet");
  }
}

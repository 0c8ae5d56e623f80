package io.cosbuild.cli.build;

import io.cosbuild.cli.BuildFailure;
import io.cosbuild.rootfs.ext4.Ext4Exception;
import io.cosbuild.rootfs.ext4.Ext4FullException;
import io.cosbuild.rootfs.ext4.Ext4Options;
import io.cosbuild.rootfs.ext4.Ext4Result;
import io.cosbuild.rootfs.ext4.Ext4Writer;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.spec.model.RootfsSpec;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/** The ext4 root image: no journal, the profile's size or the writer's computed one. Stateless. */
final class Ext4RootImage {

  private Ext4RootImage() {}

  static String write(FsTree tree, RootfsSpec spec, long epoch, String seed, Path target, Progress.Step step)
      throws IOException, BuildFailure {
    Ext4Options o = Ext4Options.readOnlyRoot().withLabel("ROOT").withSourceDateEpoch(epoch)
        .withUuid(UUID.nameUUIDFromBytes((seed + "/ROOT").getBytes(StandardCharsets.UTF_8)))
        .withSize(spec.size().orElse(0));
    try (FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.READ, StandardOpenOption.TRUNCATE_EXISTING)) {
      Ext4Result r = Ext4Writer.write(tree, ch, o, step.toward(tree.contentBytes()));
      return String.format(java.util.Locale.ROOT, "ext4, %.1f MiB, %d of %d blocks and %d of %d inodes used",
          r.sizeBytes() / 1048576.0, r.blocks() - r.freeBlocks(), r.blocks(), r.inodes() - r.freeInodes(), r.inodes());
    } catch (Ext4FullException e) {
      throw new BuildFailure(e.getMessage() + "; give rootfs.size in the profile a larger value, or auto to compute one"
          + (e.computedBytes() > 0 ? " (the size computed for this tree is " + e.computedMiB() + "M)" : ""), e);
    } catch (Ext4Exception e) {
      throw new BuildFailure(e.getMessage().startsWith("ext4") ? e.getMessage() : "ext4: " + e.getMessage(), e);
    }
  }
}

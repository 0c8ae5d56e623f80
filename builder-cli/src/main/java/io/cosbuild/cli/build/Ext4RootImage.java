package io.cosbuild.cli.build;

import io.cosbuild.cli.BuildFailure;
import io.cosbuild.rootfs.ext4.Ext4Exception;
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

  static String write(FsTree tree, RootfsSpec spec, long epoch, String seed, Path target) throws IOException, BuildFailure {
    Ext4Options o = Ext4Options.readOnlyRoot().withLabel("ROOT").withSourceDateEpoch(epoch)
        .withUuid(UUID.nameUUIDFromBytes((seed + "/ROOT").getBytes(StandardCharsets.UTF_8)))
        .withSize(spec.size().orElse(0));
    try (FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.READ, StandardOpenOption.TRUNCATE_EXISTING)) {
      Ext4Result r = Ext4Writer.write(tree, ch, o);
      return "ext4, " + r;
    } catch (Ext4Exception e) {
      throw new BuildFailure("ext4: " + e.getMessage(), e);
    }
  }
}

package io.cosbuild.cli.build;

import io.cosbuild.rootfs.ext4.Ext4Exception;
import io.cosbuild.rootfs.ext4.Ext4Options;
import io.cosbuild.rootfs.ext4.Ext4Writer;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * The writable OEM and STATE filesystems: empty ext4 with a journal, made at build time so the
 * first boot only mounts them. UUIDs derive from the build seed. Stateless.
 */
final class StateStage {

  private StateStage() {}

  static void makeOem(Path file, long bytes, String seed, long epoch) throws IOException {
    make(file, bytes, "OEM", seed, epoch);
  }

  static void makeState(Path file, long bytes, String seed, long epoch) throws IOException {
    make(file, bytes, "STATE", seed, epoch);
  }

  private static void make(Path file, long bytes, String label, String seed, long epoch) throws IOException {
    Ext4Options o = Ext4Options.writable(bytes).withLabel(label).withSourceDateEpoch(epoch)
        .withUuid(UUID.nameUUIDFromBytes((seed + "/" + label).getBytes(StandardCharsets.UTF_8)));
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.READ, StandardOpenOption.TRUNCATE_EXISTING)) {
      Ext4Writer.formatEmpty(ch, o);
    } catch (Ext4Exception e) {
      throw new IOException(label + " filesystem: " + e.getMessage(), e);
    }
  }
}

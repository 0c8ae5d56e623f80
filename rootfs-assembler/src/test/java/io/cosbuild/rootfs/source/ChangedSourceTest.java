package io.cosbuild.rootfs.source;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.rootfs.ext4.Ext4Options;
import io.cosbuild.rootfs.ext4.Ext4Writer;
import io.cosbuild.rootfs.squashfs.Compression;
import io.cosbuild.rootfs.squashfs.SquashfsOptions;
import io.cosbuild.rootfs.squashfs.SquashfsWriter;
import io.cosbuild.rootfs.tree.FsTree;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A directory's files are read in place: one that grows or shrinks between reading the tree and writing
 * the image (a log being written) fails the write naming the file and what happened, in both writers.
 */
class ChangedSourceTest {

  @TempDir Path tmp;

  private Path file;

  private FsTree treeThenResize(int newSize) throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    file = Files.write(src.resolve("app.log"), new byte[300_000]);
    Files.write(file, new byte[] {1}, StandardOpenOption.APPEND); // not all zeros
    FsTree tree = DirectorySource.readInPlace(src, false);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      if (newSize < ch.size()) {
        ch.truncate(newSize);
      } else {
        ch.write(java.nio.ByteBuffer.wrap(new byte[] {2}), newSize - 1);
      }
    }
    return tree;
  }

  private void assertNamed(Exception e, String how) {
    assertTrue(e.getMessage().contains("/app.log: " + file + " changed while the image was written: it is now " + how
        + " than the 300001 bytes it had when the tree was read"), e.getMessage());
  }

  @Test
  void squashfs() throws Exception {
    for (int size : new int[] {1000, 400_000}) {
      FsTree tree = treeThenResize(size);
      Path img = tmp.resolve("img-" + size);
      Exception e = assertThrows(Exception.class,
          () -> SquashfsWriter.writeFile(tree, img, SquashfsOptions.of(Compression.ZSTD)));
      assertNamed(e, size < 300_001 ? "shorter" : "longer");
      Files.delete(file);
    }
  }

  @Test
  void ext4() throws Exception {
    for (int size : new int[] {1000, 400_000}) {
      FsTree tree = treeThenResize(size);
      Path img = tmp.resolve("img-" + size);
      try (FileChannel ch = FileChannel.open(img, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
          StandardOpenOption.READ)) {
        Exception e = assertThrows(Exception.class, () -> Ext4Writer.write(tree, ch, Ext4Options.readOnlyRoot()));
        assertNamed(e, size < 300_001 ? "shorter" : "longer");
      }
      Files.delete(file);
    }
  }
}

package io.cosbuild.rootfs.ext4;

import io.cosbuild.rootfs.tree.BlobStore;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

final class Ext4SmokeMain {
  public static void main(String[] a) throws Exception {
    Path dir = Path.of(a[0]);
    BlobStore store = BlobStore.open(dir.resolve("store"));
    var tree = a[1].equals("wide") ? TestTrees.wideDirectory(store, Integer.parseInt(a[3])) : TestTrees.features(store, dir, a[1].equals("big"));
    try (FileChannel ch = FileChannel.open(Path.of(a[2]), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
      System.out.println(Ext4Writer.write(tree, ch, Ext4Options.readOnlyRoot()));
    }
  }
}

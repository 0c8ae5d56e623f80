package io.cosbuild.rootfs.cpio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.NodeMetadata;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NewcCpioWriterTest {

  @TempDir Path dir;

  /** A small tree with every node type the initramfs uses, added in {@code order}. */
  static FsTree sample(BlobStore store, List<Integer> order, long mtime) throws Exception {
    FsTreeBuilder b = new FsTreeBuilder(NodeMetadata.of(0755, 0, 0, mtime));
    List<Runnable> adds = new ArrayList<>();
    List<Exception> failed = new ArrayList<>();
    String[][] files = {{"/init", "#!/bin/sh\necho hi\n"}, {"/bin/busybox", "x".repeat(5000)}, {"/etc/a b", ""}};
    for (String[] f : files) {
      adds.add(() -> {
        try {
          b.add(FsPath.parse(f[0]), new FsNode.RegularFile(NodeMetadata.of(0755, 0, 0, mtime),
              store.put(f[1].getBytes(StandardCharsets.UTF_8))), "test");
        } catch (Exception e) {
          failed.add(e);
        }
      });
    }
    adds.add(() -> {
      try {
        b.add(FsPath.parse("/bin/sh"), new FsNode.Symlink(NodeMetadata.of(0777, 0, 0, mtime), "busybox"), "test");
        b.add(FsPath.parse("/dev/console"), new FsNode.Device(NodeMetadata.of(0600, 0, 0, mtime), false, 5, 1), "test");
      } catch (Exception e) {
        failed.add(e);
      }
    });
    for (int i : order) {
      adds.get(i).run();
    }
    if (!failed.isEmpty()) {
      throw failed.get(0);
    }
    return b.build();
  }

  @Test
  void sameBytesWhateverTheInsertionOrderAndNodeTimes() throws Exception {
    BlobStore store = BlobStore.open(dir.resolve("blobs"));
    List<Integer> order = new ArrayList<>(List.of(0, 1, 2, 3));
    ByteArrayOutputStream a = new ByteArrayOutputStream();
    NewcCpioWriter.write(sample(store, order, 100), 42, a);
    Collections.reverse(order);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    NewcCpioWriter.write(sample(store, order, 999_999), 42, b);
    assertArrayEquals(a.toByteArray(), b.toByteArray());
    assertEquals(0, a.size() % 512, "archive is padded to 512-byte blocks");
  }

  @Test
  void entriesAreSortedWithFixedMtimeAndSequentialInodes() throws Exception {
    BlobStore store = BlobStore.open(dir.resolve("blobs"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    NewcCpioWriter.write(sample(store, List.of(0, 1, 2, 3), 5), 1_700_000_000L, out);
    List<String> names = new ArrayList<>();
    try (CpioArchiveInputStream in = new CpioArchiveInputStream(new java.io.ByteArrayInputStream(out.toByteArray()))) {
      CpioArchiveEntry e;
      long ino = 0;
      while ((e = in.getNextEntry()) != null) {
        names.add(e.getName());
        assertEquals(++ino, e.getInode(), e.getName());
        assertEquals(1_700_000_000L, e.getTime(), e.getName()); // newc mtime, seconds
        if (e.getName().equals("dev/console")) {
          assertEquals(5, e.getRemoteDeviceMaj());
          assertEquals(1, e.getRemoteDeviceMin());
        }
        if (e.getName().equals("bin/sh")) {
          assertEquals("busybox", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
    }
    assertEquals(List.of(".", "bin", "bin/busybox", "bin/sh", "dev", "dev/console", "etc", "etc/a b", "init"), names);
  }
}

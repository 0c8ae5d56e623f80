package io.cosbuild.rootfs.fat;

import io.cosbuild.rootfs.tree.Blob;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.NodeMetadata;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Trees for the FAT tests, their files made in a scratch directory by the tests themselves. */
final class EspTrees {

  static final NodeMetadata DIR = NodeMetadata.of(0755, 0, 0, 1_700_000_000L);
  static final NodeMetadata FILE = NodeMetadata.of(0644, 0, 0, 1_700_000_000L);

  private EspTrees() {}

  /**
   * An ESP-like tree: EFI/BOOT with a loader of several MiB of random bytes, an empty directory, files of 0, 1,
   * 511, 512 and 513 bytes, names using every special character 8.3 allows, and a directory of 40 files whose
   * entries span several 512-byte clusters. Path -> size, or -1 for a directory, in an order that is not the
   * tree's.
   */
  static Map<String, Long> espLayout() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("/EFI/BOOT/BOOTX64.EFI", 6L * 1048576 + 7);
    m.put("/EFI", -1L);
    m.put("/EFI/BOOT", -1L);
    m.put("/EMPTY", -1L);
    m.put("/E0", 0L);
    m.put("/EFI/ONE.BIN", 1L);
    m.put("/EFI/BOOT/S511.BIN", 511L);
    m.put("/S512", 512L);
    m.put("/EFI/BOOT/S513.DAT", 513L);
    m.put("/EFI/!#$%&'()._-@", 1000L);
    m.put("/EFI/^`{}~0_9.~~~", 2L);
    m.put("/MANY", -1L);
    for (int i = 39; i >= 0; i--) {
      m.put(String.format("/MANY/F%02d.TXT", i), 37L * i);
    }
    return m;
  }

  /** Builds {@link #espLayout()} with random file contents under {@code scratch}. */
  static FsTree esp(Path scratch) throws Exception {
    return build(scratch, espLayout(), false);
  }

  /**
   * Builds a layout, creating its files under {@code scratch} (random bytes, the same for the same path), or
   * reusing them; {@code shuffled} adds the entries in another order and with other modes, owners and mtimes.
   */
  static FsTree build(Path scratch, Map<String, Long> layout, boolean shuffled) throws Exception {
    List<Map.Entry<String, Long>> entries = new ArrayList<>(layout.entrySet());
    if (shuffled) {
      Collections.shuffle(entries, new Random(3));
    }
    FsTreeBuilder b = new FsTreeBuilder(DIR);
    int n = 0;
    for (Map.Entry<String, Long> e : entries) {
      n++;
      NodeMetadata dir = shuffled ? NodeMetadata.of(0700, n, n, n) : DIR;
      NodeMetadata file = shuffled ? NodeMetadata.of(0600, n, n, 2L * n) : FILE;
      FsPath path = FsPath.parse(e.getKey());
      if (e.getValue() < 0) {
        b.add(path, new FsNode.Directory(dir), "test");
      } else {
        b.add(path, new FsNode.RegularFile(file, randomFile(scratch, e.getKey(), e.getValue())), "test");
      }
    }
    return b.build();
  }

  /** A file of random bytes seeded by its path, made once. */
  static Blob randomFile(Path scratch, String path, long size) throws IOException {
    Path f = scratch.resolve("content" + path.replace('/', '_'));
    if (!Files.exists(f)) {
      byte[] bytes = new byte[Math.toIntExact(size)];
      new Random(path.hashCode()).nextBytes(bytes);
      Files.createDirectories(scratch);
      Files.write(f, bytes);
    }
    return Blob.unhashed(size, f);
  }

  /** A sparse file of {@code size} zero bytes. */
  static Blob sparseFile(Path f, long size) throws IOException {
    try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
      r.setLength(size);
    }
    return Blob.unhashed(size, f);
  }
}

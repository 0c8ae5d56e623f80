package io.cosbuild.rootfs.ext4;

import io.cosbuild.rootfs.tree.Blob;
import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.NodeMetadata;
import io.cosbuild.rootfs.tree.Xattr;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Test trees covering every feature the ext4 writer claims. */
final class TestTrees {

  static final long BIG_SIZE = (4L << 30) + 3 * 4096 + 100; // over 4 GiB, all holes but one block
  static final byte[] CAPABILITY = {1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

  private TestTrees() {}

  static NodeMetadata meta(int perm, int uid, int gid) {
    return NodeMetadata.of(perm, uid, gid, 1_700_000_000L);
  }

  static FsPath p(String s) {
    return FsPath.parse(s);
  }

  static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Everything but the 100,000-entry directory; {@code big} adds the sparse file over 4 GiB. */
  static FsTree features(BlobStore store, Path scratch, boolean big) throws Exception {
    FsTreeBuilder b = new FsTreeBuilder(meta(0755, 0, 0));
    for (String d : new String[] {"/bin", "/dev", "/etc", "/home", "/run", "/usr", "/usr/bin", "/usr/lib",
        "/a", "/a/b", "/a/b/c", "/a/b/c/d", "/a/b/c/d/e", "/many"}) {
      b.add(p(d), new FsNode.Directory(meta(0755, 0, 0)), "test");
    }
    b.add(p("/tmp"), new FsNode.Directory(meta(01777, 0, 0)), "test");
    b.add(p("/home/user"), new FsNode.Directory(meta(0700, 100000, 200000)), "test");
    b.add(p("/etc/hostname"), new FsNode.RegularFile(meta(0644, 0, 0), store.put("cosbuild\n".getBytes(StandardCharsets.UTF_8))), "test");
    b.add(p("/bin/busybox"), new FsNode.RegularFile(meta(04755, 0, 0), store.put(bytes(300_000, 1))), "test");
    b.addHardlink(p("/bin/sh"), p("/bin/busybox"), "test");
    b.addHardlink(p("/usr/bin/bb"), p("/bin/busybox"), "test");
    b.add(p("/usr/bin/sg"), new FsNode.RegularFile(meta(02755, 0, 50), store.put(bytes(5000, 2))), "test");
    b.add(p("/usr/bin/ping"), new FsNode.RegularFile(meta(0755, 0, 0).withXattrs(List.of(
        new Xattr("security.capability", CAPABILITY))), store.put(bytes(40_000, 3))), "test");
    b.add(p("/etc/commented"), new FsNode.RegularFile(meta(0600, 0, 0).withXattrs(List.of(
        new Xattr("user.comment", "hello".getBytes(StandardCharsets.UTF_8)),
        new Xattr("trusted.t", new byte[] {1, 2, 3}))), store.put(new byte[] {1})), "test");
    b.add(p("/etc/bigxattr"), new FsNode.RegularFile(meta(0644, 0, 0).withXattrs(List.of(
        new Xattr("user.big", "v".repeat(700).getBytes(StandardCharsets.UTF_8)),
        new Xattr("security.capability", CAPABILITY))), store.put(new byte[0])), "test");
    b.add(p("/empty"), new FsNode.RegularFile(meta(0644, 1000, 1000), store.put(new byte[0])), "test");
    b.add(p("/home/user/own"), new FsNode.RegularFile(meta(0640, 100000, 200000), store.put(bytes(10, 4))), "test");
    b.add(p("/" + "n".repeat(255)), new FsNode.RegularFile(meta(0644, 0, 0), store.put(bytes(7, 5))), "test");
    b.add(p("/a/b/c/d/e/deep"), new FsNode.RegularFile(meta(0444, 0, 0), store.put(bytes(4096, 6))), "test");
    byte[] sparse = new byte[5 << 20];
    System.arraycopy(bytes(1 << 20, 7), 0, sparse, 0, 1 << 20);
    System.arraycopy(bytes(1 << 20, 8), 0, sparse, 4 << 20, 1 << 20);
    b.add(p("/sparse"), new FsNode.RegularFile(meta(0644, 0, 0), store.put(sparse)), "test");
    b.add(p("/lib"), new FsNode.Symlink(meta(0777, 0, 0), "usr/lib"), "test");
    b.add(p("/slow"), new FsNode.Symlink(meta(0777, 0, 0), "x/".repeat(2000)), "test");
    b.add(p("/dev/null"), new FsNode.Device(meta(0666, 0, 0), false, 1, 3), "test");
    b.add(p("/dev/sda"), new FsNode.Device(meta(0660, 0, 6), true, 8, 0), "test");
    b.add(p("/dev/wide"), new FsNode.Device(meta(0600, 0, 0), false, 300, 70000), "test");
    b.add(p("/run/fifo"), new FsNode.Fifo(meta(0644, 0, 0)), "test");
    b.add(p("/run/sock"), new FsNode.Socket(meta(0755, 0, 0)), "test");
    Blob one = store.put("x".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < 1500; i++) {
      b.add(p("/many/entry-with-a-longer-name-" + i), new FsNode.RegularFile(meta(0644, 0, 0), one), "test");
    }
    if (big) {
      Path f = scratch.resolve("big.sparse");
      try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
        raf.setLength(BIG_SIZE);
        raf.seek(4L << 30);
        raf.write(bytes(4096, 9));
      }
      // The writer does not check digests; a fixed one avoids hashing 4 GiB of zeros.
      b.add(p("/big"), new FsNode.RegularFile(meta(0644, 0, 0), new Blob(BIG_SIZE, "ab".repeat(32), f)), "test");
    }
    return b.build();
  }

  /** One directory of {@code n} empty files. */
  static FsTree wideDirectory(BlobStore store, int n) throws IOException, io.cosbuild.rootfs.tree.TreeException {
    FsTreeBuilder b = new FsTreeBuilder(meta(0755, 0, 0));
    Blob empty = store.put(new byte[0]);
    for (int i = 0; i < n; i++) {
      b.add(p("/d/file-" + i), new FsNode.RegularFile(meta(0644, 0, 0), empty), "test");
    }
    return b.build();
  }
}

package io.cosbuild.rootfs.squashfs;

import io.cosbuild.rootfs.tree.Blob;
import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.NodeMetadata;
import io.cosbuild.rootfs.tree.Xattr;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A small tree (a few MiB) with every feature the squashfs writer supports: nested directories,
 * large directories (index), long names and symlink targets, sparse, block-sized, empty and
 * fragment-only files, special mode bits, large ids, devices, fifo, socket, hard links, xattrs and
 * duplicate contents. Built in a chosen insertion order with chosen mtimes, so determinism tests
 * can vary both.
 */
final class FeatureTree {

  static final int BLOCK = 128 * 1024;

  private interface Step {
    void apply(FsTreeBuilder b) throws Exception;
  }

  private FeatureTree() {}

  static FsTree build(BlobStore store, long seed, long mtimeBase) throws Exception {
    Random content = new Random(42);
    List<Step> steps = new ArrayList<>();
    long[] t = {mtimeBase};
    java.util.function.IntFunction<NodeMetadata> meta = perm -> NodeMetadata.of(perm, 0, 0, t[0]);

    Blob random300k = store.put(random(content, 300_000));
    Blob text = store.put("squashfs text line\n".repeat(20_000).getBytes(StandardCharsets.UTF_8));
    Blob exactBlock = store.put(random(content, BLOCK));
    Blob small = store.put("tail only\n".getBytes(StandardCharsets.UTF_8));
    Blob empty = store.put(new byte[0]);
    byte[] sparse = new byte[BLOCK + (1 << 20) + 100];
    System.arraycopy(random(content, BLOCK), 0, sparse, 0, BLOCK);
    sparse[sparse.length - 1] = 7;
    Blob sparseBlob = store.put(sparse);
    Blob hard = store.put("hard linked content\n".getBytes(StandardCharsets.UTF_8));

    steps.add(b -> b.add(p("/dir/a/b/c/deep.txt"), file(meta.apply(0644), text), "t"));
    steps.add(b -> b.add(p("/files/random"), file(meta.apply(0644), random300k), "t"));
    steps.add(b -> b.add(p("/files/dup-of-random"), file(meta.apply(0600), random300k), "t"));
    steps.add(b -> b.add(p("/files/exact-block"), file(meta.apply(0644), exactBlock), "t"));
    steps.add(b -> b.add(p("/files/small"), file(meta.apply(0644), small), "t"));
    steps.add(b -> b.add(p("/files/empty"), file(meta.apply(0644), empty), "t"));
    steps.add(b -> b.add(p("/files/sparse"), file(meta.apply(0644), sparseBlob), "t"));
    steps.add(b -> b.add(p("/modes/suid"), file(meta.apply(04755), small), "t"));
    steps.add(b -> b.add(p("/modes/sgid"), file(meta.apply(02711), small), "t"));
    steps.add(b -> b.add(p("/modes/sticky"), new FsNode.Directory(meta.apply(01777)), "t"));
    steps.add(b -> b.add(p("/owners/big"), file(NodeMetadata.of(0640, 100000, 200000, t[0]), small), "t"));
    steps.add(b -> b.add(p("/owners/mid"), file(NodeMetadata.of(0640, 1000, 65534, t[0]), small), "t"));
    steps.add(b -> b.add(p("/dev/null"), new FsNode.Device(meta.apply(0666), false, 1, 3), "t"));
    steps.add(b -> b.add(p("/dev/sda1"), new FsNode.Device(meta.apply(0660), true, 8, 1), "t"));
    steps.add(b -> b.add(p("/dev/bignum"), new FsNode.Device(meta.apply(0600), false, 300, 70000), "t"));
    steps.add(b -> b.add(p("/dev/fifo"), new FsNode.Fifo(meta.apply(0644)), "t"));
    steps.add(b -> b.add(p("/dev/sock"), new FsNode.Socket(meta.apply(0755)), "t"));
    steps.add(b -> b.add(p("/links/rel"), new FsNode.Symlink(meta.apply(0777), "../files/small"), "t"));
    steps.add(b -> b.add(p("/links/long"), new FsNode.Symlink(meta.apply(0777), "x/".repeat(2000) + "end"), "t"));
    steps.add(b -> b.add(p("/names/" + "n".repeat(255)), file(meta.apply(0644), small), "t"));
    steps.add(b -> b.add(p("/names/" + "\u00e9t\u00e9-" + "u".repeat(120)), file(meta.apply(0644), small), "t"));
    steps.add(b -> {
      b.add(p("/hl/one"), new FsNode.RegularFile(meta.apply(0644), hard), "t");
      b.addHardlink(p("/hl/two"), p("/hl/one"), "t");
      b.addHardlink(p("/hl/sub/three"), p("/hl/one"), "t");
    });
    steps.add(b -> b.add(p("/xattr/file"), file(new NodeMetadata(0755, 0, 0, t[0], List.of(
        new Xattr("user.comment", "hello".getBytes(StandardCharsets.UTF_8)),
        new Xattr("security.capability", new byte[] {1, 0, 0, 2, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}),
        new Xattr("trusted.bin", new byte[] {(byte) 0xff, 0, (byte) 0x80, 1}))), text), "t"));
    steps.add(b -> b.add(p("/xattr/same"), file(new NodeMetadata(0644, 0, 0, t[0], List.of(
        new Xattr("user.comment", "hello".getBytes(StandardCharsets.UTF_8)))), small), "t"));
    steps.add(b -> b.add(p("/xattr/dir"), new FsNode.Directory(new NodeMetadata(0755, 0, 0, t[0], List.of(
        new Xattr("user.dir", "d".getBytes(StandardCharsets.UTF_8))))), "t"));
    for (int i = 0; i < 300; i++) {
      int n = i;
      steps.add(b -> b.add(p("/many300/f" + n), file(meta.apply(0644), n % 2 == 0 ? empty : small), "t"));
    }
    for (int i = 0; i < 3000; i++) {
      int n = i;
      steps.add(b -> b.add(p("/many3000/entry-with-a-longer-name-" + n), file(meta.apply(0644), empty), "t"));
    }
    Collections.shuffle(steps, new Random(seed));
    FsTreeBuilder b = new FsTreeBuilder(NodeMetadata.of(0755, 0, 0, mtimeBase));
    b.add(FsPath.ROOT, new FsNode.Directory(meta.apply(0755)), "t");
    for (Step s : steps) {
      s.apply(b);
      t[0]++;
    }
    return b.build();
  }

  private static FsPath p(String s) {
    return new FsPath(s);
  }

  private static FsNode.RegularFile file(NodeMetadata m, Blob blob) {
    return new FsNode.RegularFile(m, blob);
  }

  private static byte[] random(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }
}

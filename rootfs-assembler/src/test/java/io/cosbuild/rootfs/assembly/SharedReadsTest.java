package io.cosbuild.rootfs.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cosbuild.rootfs.dpkg.PackageContent;
import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.NodeMetadata;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel package is in the root and in the boot set: its data archive is decoded once per build. */
class SharedReadsTest {

  @TempDir Path dir;

  @Test
  void aSharedPackageIsReadOnceAndGivesTheSameTreeBothTimes() throws Exception {
    AtomicInteger kernelOpens = new AtomicInteger();
    AtomicInteger libcOpens = new AtomicInteger();
    PackageContent kernel = pkg("linux-image-6.1.0-cloud-amd64", "boot/vmlinuz-6.1.0", "kernel", kernelOpens);
    PackageContent libc = pkg("libc6", "usr/lib/libc.so.6", "libc", libcOpens);
    BlobStore store = BlobStore.open(dir.resolve("blobs"));
    PackageExtractor.SharedReads shared = new PackageExtractor.SharedReads(List.of(kernel));

    FsTree root = extract(List.of(libc, kernel), store, shared);
    FsTree boot = extract(List.of(libc, kernel), BlobStore.open(dir.resolve("blobs")), shared);

    assertEquals(root.entries(), boot.entries());
    assertEquals(1, kernelOpens.get(), "the kept package is decoded once");
    assertEquals(2, libcOpens.get(), "a package not kept is read by each extraction");
    // Another blob store holds none of the first one's contents: the package is read again for it.
    extract(List.of(kernel), BlobStore.open(dir.resolve("other-blobs")), shared);
    assertEquals(2, kernelOpens.get());
  }

  private static FsTree extract(List<PackageContent> pkgs, BlobStore store, PackageExtractor.SharedReads shared)
      throws Exception {
    List<Integer> placed = new java.util.ArrayList<>();
    FsTree tree = PackageExtractor.extract(pkgs, List.of("bin", "lib"), Map.of(), store, NodeMetadata.of(0755, 0, 0, 0), shared,
        placed::add).tree();
    assertEquals(java.util.stream.IntStream.rangeClosed(1, pkgs.size()).boxed().toList(), placed, "progress after each package");
    return tree;
  }

  private static PackageContent pkg(String name, String path, String content, AtomicInteger opens) throws Exception {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
      byte[] b = content.getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry e = new TarArchiveEntry("./" + path);
      e.setSize(b.length);
      out.putArchiveEntry(e);
      out.write(b);
      out.closeArchiveEntry();
    }
    byte[] data = tar.toByteArray();
    return new PackageContent(name, "1.0", "amd64", "1".repeat(64), 1,
        Map.of("Package", name, "Version", "1.0", "Architecture", "amd64", "Description", name), List.of(), Map.of(),
        () -> {
          opens.incrementAndGet();
          return new ByteArrayInputStream(data);
        });
  }

  /** A later build takes a package's entries from the index beside the blob store, not from its archive. */
  @Test
  void persistentReadsAreTakenByALaterBuildWithoutDecodingTheArchive() throws Exception {
    AtomicInteger opens = new AtomicInteger();
    PackageContent kernel = pkg("linux-image-6.1.0-cloud-amd64", "boot/vmlinuz-6.1.0", "kernel", opens);
    Path blobs = dir.resolve("blobs");
    FsTree first = extract(List.of(kernel), BlobStore.open(blobs), PackageExtractor.SharedReads.persistent(List.of()));
    assertEquals(1, opens.get());
    FsTree again = extract(List.of(kernel), BlobStore.open(blobs), PackageExtractor.SharedReads.persistent(List.of()));
    assertEquals(first.entries(), again.entries());
    assertEquals(1, opens.get(), "the second build decoded nothing");

    // A damaged index, or one whose blobs the store no longer has, is ignored: the archive is read again.
    Path index;
    try (var files = Files.walk(blobs.resolve("extracted"))) {
      index = files.filter(Files::isRegularFile).findFirst().orElseThrow();
    }
    byte[] whole = Files.readAllBytes(index);
    Files.write(index, Arrays.copyOf(whole, whole.length - 3));
    assertEquals(first.entries(), extract(List.of(kernel), BlobStore.open(blobs),
        PackageExtractor.SharedReads.persistent(List.of())).entries());
    assertEquals(2, opens.get());
    assertEquals(-1L, Files.mismatch(index, Files.write(dir.resolve("expected-index"), whole)),
        "the index is written again whole");
    var kernelFile = (FsNode.RegularFile) first.get(
        FsPath.parse("/boot/vmlinuz-6.1.0")).orElseThrow();
    Files.delete(kernelFile.blob().location());
    assertEquals(first.entries(), extract(List.of(kernel), BlobStore.open(blobs),
        PackageExtractor.SharedReads.persistent(List.of())).entries());
    assertEquals(3, opens.get());
    // Another package under the same digest (a test's made-up one) does not take this one's entries.
    AtomicInteger otherOpens = new AtomicInteger();
    PackageContent other = pkg("libc6", "usr/lib/libc.so.6", "libc", otherOpens);
    FsTree libc = extract(List.of(other), BlobStore.open(blobs), PackageExtractor.SharedReads.persistent(List.of()));
    assertEquals(1, otherOpens.get());
    assertEquals("libc", new String(((FsNode.RegularFile) libc.get(
        FsPath.parse("/usr/lib/libc.so.6")).orElseThrow()).blob().readAllBytes(),
        StandardCharsets.UTF_8));
  }
}

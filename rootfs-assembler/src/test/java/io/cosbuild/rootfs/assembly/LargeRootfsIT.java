package io.cosbuild.rootfs.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cosbuild.rootfs.dpkg.PackageContent;
import io.cosbuild.rootfs.tar.PaxTarWriter;
import io.cosbuild.rootfs.tree.BlobStore;
import java.io.BufferedInputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark, not a default test: a 2 GiB root (32 distinct 64 MiB files in 16 packages) assembled
 * and exported in the Failsafe JVM's 512 MiB heap. Runs only with {@code -Dcosbuild.bench.large=true}
 * (see {@code bench/large-rootfs.sh}); it needs about 6 GiB of temporary disk.
 */
class LargeRootfsIT {

  static final int PACKAGES = 16;
  static final int FILES = 2;
  static final int FILE_SIZE = 64 << 20;

  @TempDir Path dir;

  @Test
  void twoGibibytesInASmallHeap() throws Exception {
    assumeTrue(Boolean.getBoolean("cosbuild.bench.large"), "benchmark: set -Dcosbuild.bench.large=true");
    List<PackageContent> pkgs = new ArrayList<>();
    byte[] buf = new byte[1 << 20];
    for (int p = 0; p < PACKAGES; p++) {
      Path tar = dir.resolve("pkg" + p + ".tar");
      try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(tar))) {
        for (int f = 0; f < FILES; f++) {
          TarArchiveEntry e = new TarArchiveEntry("./usr/share/big" + p + "/file" + f);
          e.setSize(FILE_SIZE);
          e.setMode(0100644);
          out.putArchiveEntry(e);
          SplittableRandom rnd = new SplittableRandom(p * 1000L + f);
          for (int written = 0; written < FILE_SIZE; written += buf.length) {
            rnd.nextBytes(buf);
            out.write(buf);
          }
          out.closeArchiveEntry();
        }
      }
      pkgs.add(new PackageContent("big" + p, "1.0", "amd64", "0".repeat(64), FILE_SIZE / 1024 * FILES,
          Map.of("Package", "big" + p, "Version", "1.0", "Architecture", "amd64", "Description", "big"),
          List.of(), Map.of(), () -> new BufferedInputStream(Files.newInputStream(tar), 1 << 16)));
    }
    long maxHeap = Runtime.getRuntime().maxMemory();
    long t0 = System.nanoTime();
    AssemblyResult r = RootfsAssembler.assemble(AssemblyPlan.builder("large", pkgs, BlobStore.open(dir.resolve("blobs")), 0)
        .build());
    long t1 = System.nanoTime();
    long[] written = {0};
    try (OutputStream sink = new OutputStream() {
      @Override
      public void write(int b) {
        written[0]++;
      }

      @Override
      public void write(byte[] b, int off, int len) {
        written[0] += len;
      }
    }) {
      PaxTarWriter.write(r.tree(), sink, 0);
    }
    long t2 = System.nanoTime();
    System.out.printf("large rootfs: %d bytes content, heap limit %d MiB, assemble %.1f s (%.0f MiB/s), tar export %.1f s (%.0f MiB/s)%n",
        r.tree().contentBytes(), maxHeap >> 20, (t1 - t0) / 1e9, r.tree().contentBytes() / 1048576.0 / ((t1 - t0) / 1e9),
        (t2 - t1) / 1e9, written[0] / 1048576.0 / ((t2 - t1) / 1e9));
    long packaged = r.audit().sizes().stream().filter(s -> s.name().startsWith("big")).mapToLong(s -> s.bytes()).sum();
    assertEquals((long) PACKAGES * FILES * FILE_SIZE, packaged);
  }
}

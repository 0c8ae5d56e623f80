package io.cosbuild.disk.bench;

import io.cosbuild.disk.gce.GceTarWriter;
import io.cosbuild.disk.gpt.Architecture;
import io.cosbuild.disk.layout.DiskImageWriter;
import io.cosbuild.disk.layout.DiskLayout;
import io.cosbuild.disk.layout.DiskLayoutRequest;
import io.cosbuild.disk.layout.PartitionContent;
import io.cosbuild.disk.layout.PartitionRequest;
import io.cosbuild.disk.layout.PartitionRole;
import io.cosbuild.disk.layout.WrittenDisk;
import io.cosbuild.disk.qcow2.Qcow2Writer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Times our raw, qcow2 and GCE writers for bench/disk-bench.sh: {@code DiskBench ROOT_FILE OUT_DIR DISK_BYTES}.
 * Prints {@code raw_ms=.. qcow2_ms=.. gce_ms=..} and the partition offsets the script needs.
 */
public final class DiskBench {
  private DiskBench() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    Path out = Path.of(args[1]);
    long size = Long.parseLong(args[2]);
    long rootSize = Files.size(root);
    DiskLayoutRequest req = new DiskLayoutRequest(Architecture.X86_64, size, "bench", false, List.of(
        PartitionRequest.of(PartitionRole.ROOT_A, rootSize, PartitionContent.ofFile(root)),
        PartitionRequest.of(PartitionRole.STATE, 1 << 20, PartitionContent.empty())));
    long t0 = System.nanoTime();
    WrittenDisk w = DiskImageWriter.write(DiskLayout.plan(req), out.resolve("disk.raw"));
    long t1 = System.nanoTime();
    try (FileChannel ch = FileChannel.open(w.path(), StandardOpenOption.READ)) {
      Qcow2Writer.write(ch, w.dataMap(), out.resolve("disk.qcow2"));
      long t2 = System.nanoTime();
      GceTarWriter.write(ch, w.dataMap(), 0, out.resolve("disk.tar.gz"));
      long t3 = System.nanoTime();
      System.out.printf("raw_ms=%d qcow2_ms=%d gce_ms=%d root_offset=%d%n", (t1 - t0) / 1_000_000,
          (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000, w.layout().partition(PartitionRole.ROOT_A).orElseThrow()
              .offsetBytes());
    }
  }
}

package io.cosbuild.disk;

import io.cosbuild.disk.gce.GceTarWriter;
import io.cosbuild.disk.layout.DiskImageWriter;
import io.cosbuild.disk.layout.DiskLayout;
import io.cosbuild.disk.layout.DiskLayoutRequest;
import io.cosbuild.disk.layout.WrittenDisk;
import io.cosbuild.disk.qcow2.Qcow2Writer;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * The one call the image pipeline needs: plan the layout, write {@code disk.raw}, then the other formats from
 * it. Stateless and thread-safe.
 */
public final class DiskOutputs {
  private DiskOutputs() {}

  /**
   * Writes {@code outDir/disk.raw} and, when asked, {@code disk.qcow2} and {@code disk.tar.gz}.
   *
   * @param sourceDateEpoch mtime of {@code disk.raw} inside the GCE tar
   * @return the written raw disk with its layout (for {@code manifest.json}: {@code layout().manifestPartitions()})
   */
  public static WrittenDisk write(DiskLayoutRequest request, Path outDir, Set<DiskFormat> formats,
      long sourceDateEpoch) throws DiskImageException, IOException {
    DiskLayout layout = DiskLayout.plan(request);
    WrittenDisk raw = DiskImageWriter.write(layout, outDir.resolve(DiskFormat.RAW.fileName()));
    if (formats.contains(DiskFormat.QCOW2) || formats.contains(DiskFormat.GCE)) {
      try (FileChannel ch = FileChannel.open(raw.path(), StandardOpenOption.READ)) {
        if (formats.contains(DiskFormat.QCOW2)) {
          Qcow2Writer.write(ch, raw.dataMap(), outDir.resolve(DiskFormat.QCOW2.fileName()));
        }
        if (formats.contains(DiskFormat.GCE)) {
          GceTarWriter.write(ch, raw.dataMap(), sourceDateEpoch, outDir.resolve(DiskFormat.GCE.fileName()));
        }
      }
    }
    return raw;
  }
}

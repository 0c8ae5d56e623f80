package io.cosbuild.disk.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.disk.Fixtures;
import io.cosbuild.disk.Tools;
import io.cosbuild.disk.gce.GceTarWriter;
import io.cosbuild.disk.gpt.Architecture;
import io.cosbuild.disk.qcow2.Qcow2Writer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A big disk costs only its data (judged by stat's block count); the same inputs give the same bytes. */
class SparseAndDeterminismIT {
  @TempDir
  Path dir;

  @Test
  void aTwentyGibDiskWithSmallContentsAllocatesOnlyItsData() throws Exception {
    Fixtures.Images img = Fixtures.make(dir);
    WrittenDisk w = DiskImageWriter.write(
        DiskLayout.plan(Fixtures.request(Architecture.X86_64, 20L << 30, img, true)), dir.resolve("disk.raw"));
    assertEquals(20L << 30, Files.size(w.path()));
    long contents = Files.size(img.root()) * 2 + Files.size(img.verity()) * 2 + Files.size(img.oem())
        + Files.size(img.state());
    long allocated = Tools.allocatedBytes(w.path());
    assertTrue(allocated <= contents + (1 << 20), "allocated " + allocated + " for " + contents + " of contents");
    assertTrue(w.dataMap().dataBytes() <= contents + (1 << 20));
    // The temporary file is gone after the rename.
    try (var files = Files.list(dir)) {
      assertEquals(0, files.filter(p -> p.getFileName().toString().endsWith(".partial")).count());
    }
  }

  @Test
  void sameInputsGiveIdenticalRawQcow2AndTarGz() throws Exception {
    Fixtures.Images img = Fixtures.make(dir);
    String[] raw = new String[2];
    String[] qcow = new String[2];
    String[] gz = new String[2];
    for (int i = 0; i < 2; i++) {
      Path out = Files.createDirectories(dir.resolve("out" + i));
      WrittenDisk w = DiskImageWriter.write(
          DiskLayout.plan(Fixtures.request(Architecture.ARM64, 256L << 20, img, true)), out.resolve("disk.raw"));
      try (FileChannel ch = FileChannel.open(w.path(), StandardOpenOption.READ)) {
        Qcow2Writer.write(ch, w.dataMap(), out.resolve("disk.qcow2"));
        GceTarWriter.write(ch, w.dataMap(), 0, out.resolve("disk.tar.gz"));
      }
      raw[i] = Tools.run("sha256sum", w.path().toString()).split(" ")[0];
      qcow[i] = Tools.sha256(out.resolve("disk.qcow2"));
      gz[i] = Tools.sha256(out.resolve("disk.tar.gz"));
    }
    assertEquals(raw[0], raw[1]);
    assertEquals(qcow[0], qcow[1]);
    assertEquals(gz[0], gz[1]);
  }
}

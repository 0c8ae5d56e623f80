package io.cosbuild.disk.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.disk.DiskFormat;
import io.cosbuild.disk.DiskOutputs;
import io.cosbuild.disk.Fixtures;
import io.cosbuild.disk.Tools;
import io.cosbuild.disk.gpt.Architecture;
import java.nio.file.Files;
import java.nio.file.Path;
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
      WrittenDisk w = DiskOutputs.write(Fixtures.request(Architecture.ARM64, 256L << 20, img, true), out,
          DiskFormat.parseList("raw,qcow2,gce"), 0);
      raw[i] = Tools.run("sha256sum", w.path().toString()).split(" ")[0];
      qcow[i] = Tools.sha256(out.resolve("disk.qcow2"));
      gz[i] = Tools.sha256(out.resolve("disk.tar.gz"));
    }
    assertEquals(raw[0], raw[1]);
    assertEquals(qcow[0], qcow[1]);
    assertEquals(gz[0], gz[1]);
  }
}

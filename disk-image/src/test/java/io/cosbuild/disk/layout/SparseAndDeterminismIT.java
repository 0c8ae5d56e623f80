package io.cosbuild.disk.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.disk.DiskFormat;
import io.cosbuild.disk.DiskOutputs;
import io.cosbuild.disk.Fixtures;
import io.cosbuild.disk.Tools;
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
    // qcow2 of the 20 GiB disk: only the data is stored, and qemu-img agrees it is the same disk.
    Path qcow2 = dir.resolve("disk.qcow2");
    try (FileChannel ch = FileChannel.open(w.path(), StandardOpenOption.READ)) {
      Qcow2Writer.write(ch, w.dataMap(), qcow2);
    }
    assertTrue(Files.size(qcow2) < contents + (2 << 20), "qcow2 is " + Files.size(qcow2));
    assertTrue(Tools.run("qemu-img", "check", "-f", "qcow2", qcow2.toString()).contains("No errors were found"));
    assertTrue(Tools.run("qemu-img", "compare", "-f", "raw", "-F", "qcow2", w.path().toString(), qcow2.toString())
        .contains("Images are identical"));
    // The temporary files are gone after the rename.
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

package io.cosbuild.disk.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.disk.DiskImageException;
import io.cosbuild.disk.Sgdisk;
import io.cosbuild.disk.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inspection of damaged tables and of things that are not raw disks, judged by sgdisk and qemu-img. */
class DiskInspectorReferenceIT {
  @TempDir
  Path dir;

  @Test
  void aPartitionPastTheEndShowsTheSizeItsEntryDeclares() throws Exception {
    Path disk = Sgdisk.disk(dir.resolve("c.raw"), 20 << 20, "-n", "1:2048:+4M", "-n", "2:0:+4M", "-n", "3:0:+4M");
    Sgdisk.setLbas(disk, 3, 20480, 99999);
    long sectors = Long.parseLong(Sgdisk.all(Tools.run("sgdisk", "-i", "3", disk.toString()),
        "Partition size: (\\d+) sectors").get(0).get(0));
    DiskReport r = DiskInspector.inspect(disk);
    PartitionReport p3 = r.partitions().get(2);
    assertEquals(3, p3.number());
    assertEquals(sectors * 512, p3.sizeBytes());
    assertEquals("beyond the end of the disk", p3.filesystem());
    String row = String.format(Locale.ROOT, "%10.1f", sectors / 2048.0);
    assertTrue(DiskInspector.toText(r).lines().anyMatch(l -> l.startsWith("3 ") && l.contains(row)),
        DiskInspector.toText(r));
  }

  @Test
  void aQcow2ImageIsNamedWithTheCommandThatConvertsIt() throws Exception {
    Path raw = Sgdisk.disk(dir.resolve("g.raw"), 20 << 20, "-n", "1:2048:+4M");
    Path qcow2 = dir.resolve("g.qcow2");
    Tools.run("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(), qcow2.toString());
    assertTrue(Tools.run("qemu-img", "info", qcow2.toString()).contains("file format: qcow2"));
    DiskImageException e = assertThrows(DiskImageException.class, () -> DiskInspector.inspect(qcow2));
    assertTrue(e.getMessage().contains("qcow2 image") && e.getMessage().contains("qemu-img convert -O raw"),
        e.getMessage());
  }

  @Test
  void aDirectoryOrAFifoIsRefusedUnopened() throws Exception {
    DiskImageException d = assertThrows(DiskImageException.class, () -> DiskInspector.inspect(dir));
    assertTrue(d.getMessage().contains("is a directory"), d.getMessage());
    Path fifo = dir.resolve("fifo");
    Tools.run("mkfifo", fifo.toString());
    DiskImageException f = assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> assertThrows(DiskImageException.class, () -> DiskInspector.inspect(fifo)));
    assertTrue(f.getMessage().contains("is a FIFO"), f.getMessage());
    assertTrue(Files.exists(fifo));
  }
}

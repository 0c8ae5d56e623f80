package io.cosbuild.disk.gce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.disk.Fixtures;
import io.cosbuild.disk.Tools;
import io.cosbuild.disk.gpt.Architecture;
import io.cosbuild.disk.layout.DiskImageWriter;
import io.cosbuild.disk.layout.DiskLayout;
import io.cosbuild.disk.layout.WrittenDisk;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** disk.tar.gz judged by GNU tar: it unpacks to our disk.raw, and its tar stream equals what GNU tar writes. */
class GceTarWriterIT {
  @TempDir
  Path dir;

  @Test
  void gnuTarUnpacksOurDiskTarGzToAnIdenticalDiskRaw() throws Exception {
    WrittenDisk raw = disk(64L << 20);
    Path gz = dir.resolve("disk.tar.gz");
    try (FileChannel ch = FileChannel.open(raw.path(), StandardOpenOption.READ)) {
      GceTarWriter.write(ch, raw.dataMap(), 1_700_000_000L, gz);
    }
    assertArrayEquals(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0}, Arrays.copyOf(Files.readAllBytes(gz), 8),
        "gzip header: deflate, no flags (no name), mtime 0");
    Path out = Files.createDirectories(dir.resolve("out"));
    Tools.run("tar", "-xzf", gz.toString(), "-C", out.toString());
    Tools.run("cmp", raw.path().toString(), out.resolve("disk.raw").toString());
    // GNU tar restores the holes.
    assertTrue(Tools.allocatedBytes(out.resolve("disk.raw")) < 4L << 20);
  }

  @Test
  void ourTarStreamIsByteIdenticalToGnuTarsForALargeDiskWithManyExtents() throws Exception {
    // 12 GiB: offsets beyond 8 GiB need GNU base-256 numbers; the many extents need extension headers.
    WrittenDisk raw = disk(12L << 30);
    assertTrue(raw.dataMap().extents().size() > 4 + 21, "test needs more than one extension header");
    // GNU tar's own archive of our disk.raw (extents found with SEEK_DATA) is byte-identical to our tar stream.
    Path gnu = dir.resolve("gnu.tar");
    Tools.run("tar", "--format=oldgnu", "-S", "--numeric-owner", "--owner=0", "--group=0", "--mode=0644",
        "--mtime=@1700000000", "-C", dir.toString(), "-cf", gnu.toString(), "disk.raw");
    Path ours = dir.resolve("ours.tar");
    try (FileChannel ch = FileChannel.open(raw.path(), StandardOpenOption.READ);
        OutputStream os = Files.newOutputStream(ours)) {
      GceTarWriter.writeTar(ch, raw.dataMap(), "disk.raw", 1_700_000_000L, os);
    }
    assertEquals(Files.size(gnu), Files.size(ours));
    Tools.run("cmp", gnu.toString(), ours.toString());
    String list = Tools.run("tar", "-tvf", ours.toString());
    assertTrue(list.contains(String.valueOf(12L << 30)) && list.contains("disk.raw"), list);
  }

  /** A disk whose STATE holds 40 separate data blocks, so the sparse map needs extension headers. */
  private WrittenDisk disk(long size) throws Exception {
    Fixtures.Images made = Fixtures.make(dir);
    Path scatter = dir.resolve("scatter.img");
    try (FileChannel ch = FileChannel.open(scatter, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (int i = 0; i < 40; i++) {
        ch.write(ByteBuffer.wrap(("block " + i).getBytes(StandardCharsets.US_ASCII)), i * 65536L + 100);
      }
    }
    Fixtures.Images img = new Fixtures.Images(made.root(), made.verity(), made.rootHash(), made.oem(), scatter);
    return DiskImageWriter.write(DiskLayout.plan(Fixtures.request(Architecture.ARM64, size, img, true)),
        dir.resolve("disk.raw"));
  }
}

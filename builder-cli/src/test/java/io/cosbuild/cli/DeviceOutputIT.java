package io.cosbuild.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands that write onto block devices. {@code cosbuild fs squashfs SRC DEVICE} writes the image onto
 * a block device in place, as mksquashfs does: unsquashfs and the kernel (mounting the device) read the
 * tree back; a mounted device is refused; an image too large for the device fails and leaves no
 * superblock. {@code fs ext4} formats a whole device in place, as mke2fs does, under the same rules
 * (and a device refused before writing, e.g. one too small for any filesystem, keeps its bytes).
 * {@code verity format} refuses a mounted hash or FEC device and writes one that is not, as veritysetup
 * does.
 */
class DeviceOutputIT {

  @TempDir Path dir;
  private final List<String> loops = new ArrayList<>();

  record Out(int code, String text) {}

  static Out run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Out(p.waitFor(), text);
  }

  /** A loop device over a new file of {@code size} random bytes (so nothing reads as an old image). */
  private Path loop(String name, int size) throws Exception {
    byte[] b = new byte[size];
    new SplittableRandom(size).nextBytes(b);
    Path file = Files.write(dir.resolve(name), b);
    Out r = run("losetup", "--find", "--show", file.toString());
    if (r.code() != 0) {
      System.err.println("!!!!! SKIPPING squashfs-on-a-device checks: loop devices unavailable: " + r.text());
      Assumptions.abort("loop devices unavailable: " + r.text());
    }
    loops.add(r.text().strip());
    return Path.of(r.text().strip());
  }

  @AfterEach
  void detach() throws Exception {
    run("umount", dir.resolve("mnt").toString());
    for (String dev : loops) {
      run("losetup", "-d", dev);
    }
  }

  private Path tree() throws IOException {
    Path src = Files.createDirectories(dir.resolve("src/etc"));
    Files.writeString(src.resolve("hostname"), "cosbuild\n");
    byte[] big = new byte[300_000];
    new SplittableRandom(7).nextBytes(big);
    Files.write(src.getParent().resolve("big.bin"), big);
    Files.createSymbolicLink(src.resolve("link"), Path.of("hostname"));
    return src.getParent();
  }

  /** The files of {@link #tree()} as the kernel shows them under {@code mnt}. */
  private static void assertMountShowsTree(Path src, Path mnt) throws IOException {
    assertArrayEquals(Files.readAllBytes(src.resolve("big.bin")), Files.readAllBytes(mnt.resolve("big.bin")));
    assertEquals("cosbuild\n", Files.readString(mnt.resolve("etc/hostname")));
    assertEquals(Path.of("hostname"), Files.readSymbolicLink(mnt.resolve("etc/link")));
  }

  @Test
  void theImageGoesOntoTheDeviceInPlace() throws Exception {
    Path src = tree();
    Path dev = loop("dev.img", 4 << 20);
    MainTest.Result r = MainTest.run("fs", "squashfs", src.toString(), dev.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(OutputFile.isBlockDevice(dev), "the device node was replaced");

    Out list = run("unsquashfs", "-lln", "-d", "", dev.toString());
    assertEquals(0, list.code(), list.text());
    for (String path : new String[] {"/big.bin", "/etc/hostname", "/etc/link -> hostname"}) {
      assertTrue(list.text().contains(path), path + " missing from:\n" + list.text());
    }
    Path mnt = Files.createDirectory(dir.resolve("mnt"));
    Out m = run("mount", "-o", "ro", "-t", "squashfs", dev.toString(), mnt.toString());
    assertEquals(0, m.code(), m.text());
    assertMountShowsTree(src, mnt);
    MainTest.Result mounted = MainTest.run("fs", "squashfs", src.toString(), dev.toString());
    assertEquals(2, mounted.code(), mounted.err());
    assertTrue(mounted.err().contains(dev + " is mounted at " + mnt + "; it cannot be written while in use"), mounted.err());
    assertEquals(0, run("umount", mnt.toString()).code());

    // The same bytes as the image file the same command writes.
    Path file = dir.resolve("file.sqfs");
    assertEquals(0, MainTest.run("fs", "squashfs", src.toString(), file.toString()).code());
    byte[] image = Files.readAllBytes(file);
    byte[] onDevice = Arrays.copyOf(Files.readAllBytes(dir.resolve("dev.img")), image.length);
    assertArrayEquals(image, onDevice);
  }

  @Test
  void anImageTooLargeFailsAndLeavesNoSuperblock() throws Exception {
    Path src = tree();
    Path dev = loop("small.img", 64 << 10);
    MainTest.Result r = MainTest.run("fs", "squashfs", src.toString(), dev.toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("the image does not fit"), r.err());
    byte[] head = Arrays.copyOf(Files.readAllBytes(dir.resolve("small.img")), 96);
    assertArrayEquals(new byte[96], head, "a superblock was left on a device holding a partial image");
    assertTrue(run("unsquashfs", "-s", dev.toString()).code() != 0);
  }

  @Test
  void ext4FormatsTheWholeDeviceInPlaceAndRefusesOneInUse() throws Exception {
    Path src = tree();
    Path dev = loop("dev.img", 64 << 20);
    MainTest.Result tooLarge = MainTest.run("fs", "ext4", "--size", String.valueOf(128 << 20), src.toString(), dev.toString());
    assertEquals(2, tooLarge.code(), tooLarge.err());
    assertTrue(tooLarge.err().contains("is larger than " + dev), tooLarge.err());

    MainTest.Result r = MainTest.run("fs", "ext4", src.toString(), dev.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(OutputFile.isBlockDevice(dev), "the device node was replaced");
    Out fsck = run("e2fsck", "-fn", dev.toString());
    assertEquals(0, fsck.code(), fsck.text());
    Out dump = run("dumpe2fs", "-h", dev.toString());
    assertTrue(dump.text().matches("(?s).*Block count:\\s+16384\n.*"), dump.text());
    assertTrue(dump.text().contains("has_journal"), dump.text());

    Path mnt = Files.createDirectory(dir.resolve("mnt"));
    Out m = run("mount", "-t", "ext4", dev.toString(), mnt.toString());
    assertEquals(0, m.code(), m.text());
    assertMountShowsTree(src, mnt);
    Files.writeString(mnt.resolve("written-later"), "state\n");
    byte[] before = Files.readAllBytes(dir.resolve("dev.img"));
    MainTest.Result mounted = MainTest.run("fs", "ext4", src.toString(), dev.toString());
    assertEquals(2, mounted.code(), mounted.err());
    assertTrue(mounted.err().contains(dev + " is mounted at " + mnt + "; it cannot be written while in use"), mounted.err());
    assertArrayEquals(before, Files.readAllBytes(dir.resolve("dev.img")));
    assertEquals(0, run("umount", mnt.toString()).code());
    fsck = run("e2fsck", "-fn", dev.toString());
    assertEquals(0, fsck.code(), fsck.text());
  }

  @Test
  void ext4RefusesADeviceTooSmallForAnyFilesystemAndLeavesItAsItWas() throws Exception {
    Path src = tree();
    Path dev = loop("small.img", 256 << 10);
    byte[] before = Files.readAllBytes(dir.resolve("small.img"));
    MainTest.Result r = MainTest.run("fs", "ext4", "--no-journal", src.toString(), dev.toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("formatting " + dev + " (262144 bytes)") && r.err().contains("too small"), r.err());
    assertArrayEquals(before, Files.readAllBytes(dir.resolve("small.img")));
  }

  @Test
  void ext4TreeTooLargeForTheDeviceFailsAndLeavesNoSuperblock() throws Exception {
    Path src = tree();
    byte[] big = new byte[13 << 20];
    new SplittableRandom(9).nextBytes(big);
    Files.write(src.resolve("larger-than-the-device.bin"), big);
    Path dev = loop("small.img", 12 << 20);
    MainTest.Result r = MainTest.run("fs", "ext4", "--no-journal", src.toString(), dev.toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("formatting " + dev + " (12582912 bytes): ext4: the filesystem of 12582912 bytes is full"
        + " while writing /larger-than-the-device.bin; the tree needs a larger device"), r.err());
    byte[] head = Arrays.copyOf(Files.readAllBytes(dir.resolve("small.img")), 4096);
    assertArrayEquals(new byte[4096], head, "a superblock was left on a device holding a partial filesystem");
    assertTrue(run("dumpe2fs", "-h", dev.toString()).code() != 0);

    MainTest.Result part = MainTest.run("fs", "ext4", "--no-journal", "--size", String.valueOf(8 << 20), src.toString(),
        dev.toString());
    assertEquals(1, part.code(), part.err());
    assertTrue(part.err().contains("is full while writing /larger-than-the-device.bin; give a larger --size (the device"
        + " holds 12582912 bytes) or leave it out to use the whole device"), part.err());
  }

  @Test
  void verityFormatRefusesAMountedHashOrFecDeviceAndWritesOneThatIsNot() throws Exception {
    Path data = dir.resolve("data.img");
    byte[] b = new byte[1 << 20];
    new SplittableRandom(3).nextBytes(b);
    Files.write(data, b);
    Path src = tree();
    Path hashDev = loop("hash.img", 4 << 20);
    assertEquals(0, MainTest.run("fs", "squashfs", src.toString(), hashDev.toString()).code());
    Path mnt = Files.createDirectory(dir.resolve("mnt"));
    assertEquals(0, run("mount", "-o", "ro", "-t", "squashfs", hashDev.toString(), mnt.toString()).code());
    byte[] before = Files.readAllBytes(dir.resolve("hash.img"));

    MainTest.Result asHash = MainTest.run("verity", "format", data.toString(), hashDev.toString());
    assertEquals(2, asHash.code(), asHash.err());
    assertTrue(asHash.err().contains(hashDev + " is mounted at " + mnt + "; it cannot be written while in use"), asHash.err());
    MainTest.Result asFec = MainTest.run("verity", "format", data.toString(), dir.resolve("h").toString(),
        "--fec-device", hashDev.toString());
    assertEquals(2, asFec.code(), asFec.err());
    assertTrue(asFec.err().contains(hashDev + " is mounted at " + mnt), asFec.err());
    assertArrayEquals(before, Files.readAllBytes(dir.resolve("hash.img")));

    assertEquals(0, run("umount", mnt.toString()).code());
    MainTest.Result r = MainTest.run("verity", "format", data.toString(), hashDev.toString());
    assertEquals(0, r.code(), r.err());
    String root = r.out().lines().filter(l -> l.startsWith("Root hash:")).findFirst().orElseThrow().split("\t")[1];
    Out v = run("veritysetup", "verify", data.toString(), hashDev.toString(), root);
    assertEquals(0, v.code(), v.text());
  }
}

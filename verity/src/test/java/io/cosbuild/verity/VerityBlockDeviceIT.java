package io.cosbuild.verity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data, hash and FEC on block devices (loop devices over files), as veritysetup is mostly used: the
 * devices hold what veritysetup writes on twin devices with the same starting content, veritysetup
 * accepts ours, and a device is written in place, never replaced by a file; nor is any other special
 * file (a pipe, a directory), and a symbolic link's target is written, not the link replaced.
 */
class VerityBlockDeviceIT {

  private static final String SALT = "5c0f2e1d9a8b7c6d5e4f30211203f4e5d6c7b8a9908172635445362718091a2b";
  private static final UUID UUID_ = UUID.fromString("0d2a6c7e-4b1f-4e3a-9c55-2f7d18e0a9b1");

  @TempDir Path dir;
  private final List<String> loops = new ArrayList<>();

  /** A loop device over a new file of {@code size} seeded random bytes. */
  private Path loop(String name, long size, long seed) throws Exception {
    Path file = Tools.randomFile(dir.resolve(name), size, seed);
    Tools.Run r = Tools.run("losetup", "--find", "--show", file.toString());
    if (r.exit() != 0) {
      System.err.println("!!!!! SKIPPING block device checks: loop devices unavailable: " + r.out());
      Assumptions.abort("loop devices unavailable: " + r.out());
    }
    String dev = r.out().strip();
    loops.add(dev);
    return Path.of(dev);
  }

  @AfterEach
  void detach() throws Exception {
    for (String dev : loops) {
      Tools.run("losetup", "-d", dev);
    }
  }

  private VerityParams params(Path data) throws Exception {
    return VerityParams.of(VerityFiles.dataBlocks(data, 4096), HexFormat.of().parseHex(SALT), UUID_);
  }

  @Test
  void treeAndParityOnDevicesAsVeritysetupWritesThem() throws Exception {
    Path data = loop("data", 16 << 20, 1);
    assertEquals(4096, VerityFiles.dataBlocks(data, 4096), "a device's size, not the 0 bytes stat gives");
    // Same starting content (not zeros): veritysetup leaves the superblock's block after its 512 bytes
    // as it was, and parity covers the whole hash device.
    Path ours = loop("ours.hash", 1 << 20, 2);
    Path theirs = loop("theirs.hash", 1 << 20, 2);
    Path ourFec = loop("ours.fec", 1 << 20, 3);
    Path theirFec = loop("theirs.fec", 1 << 20, 3);

    VerityResult r = VerityFiles.format(data, ours, params(data), 2);
    VerityFec.Result fec = VerityFiles.formatFec(data, ours, r, ourFec, 0, 2, 2);
    String out = Tools.ok(List.of("veritysetup", "format", data.toString(), theirs.toString(), "--salt", SALT,
        "--uuid", UUID_.toString(), "--fec-device", theirFec.toString(), "--fec-roots", "2"));

    assertEquals(Tools.field(out, "Root hash"), r.rootHashHex());
    assertEquals(-1, Files.mismatch(dir.resolve("ours.hash"), dir.resolve("theirs.hash")), "hash device");
    assertEquals(-1, Files.mismatch(dir.resolve("ours.fec"), dir.resolve("theirs.fec")), "FEC device");
    assertEquals(Long.parseLong(Tools.field(out, "FEC blocks")), fec.fecBlocks());
    assertTrue(VerityFiles.isBlockDevice(ours) && VerityFiles.isBlockDevice(ourFec), "a device was replaced");

    Tools.ok(List.of("veritysetup", "verify", data.toString(), ours.toString(), r.rootHashHex(),
        "--fec-device", ourFec.toString(), "--fec-roots", "2"));
    assertTrue(VerityFiles.verify(data, ours, null, 0, r.rootHash(), 2).ok());
    Tools.flipByte(data, 5 * 4096 + 17);
    assertFalse(VerityFiles.verify(data, ours, null, 0, r.rootHash(), 2).ok(), "a changed data block verified");
    assertTrue(Tools.run("veritysetup", "verify", data.toString(), ours.toString(), r.rootHashHex()).exit() != 0);
  }

  @Test
  void hashAreaAfterTheDataOnTheSameDevice() throws Exception {
    Path ours = loop("ours", 20 << 20, 4);
    Path theirs = loop("theirs", 20 << 20, 4);
    long offset = 16 << 20;
    VerityParams p = VerityParams.of(4096, HexFormat.of().parseHex(SALT), UUID_).withHashOffset(offset);
    VerityResult r = VerityFiles.format(ours, ours, p, 2);
    String out = Tools.ok(List.of("veritysetup", "format", theirs.toString(), theirs.toString(), "--salt", SALT,
        "--uuid", UUID_.toString(), "--data-blocks", "4096", "--hash-offset", String.valueOf(offset)));
    assertEquals(Tools.field(out, "Root hash"), r.rootHashHex());
    assertEquals(-1, Files.mismatch(dir.resolve("ours"), dir.resolve("theirs")), "device contents");
  }

  @Test
  void otherSpecialFilesAreRefusedAndALinkKeepsPointingAtTheTree() throws Exception {
    Path data = Tools.randomFile(dir.resolve("data"), 1 << 20, 7);
    VerityParams p = params(data);
    Path fifo = dir.resolve("fifo");
    Tools.ok(List.of("mkfifo", fifo.toString()));
    for (Path bad : List.of(fifo, Files.createDirectory(dir.resolve("dir")))) {
      VerityException e = assertThrows(VerityException.class, () -> VerityFiles.format(data, bad, p, 2));
      assertTrue(e.getMessage().contains("is not a regular file or block device"), e.getMessage());
    }
    assertTrue(Files.isDirectory(dir.resolve("dir")) && !Files.isRegularFile(fifo), "a special file was replaced");
    VerityResult tree = VerityFiles.format(data, dir.resolve("hash"), p, 2);
    VerityException e = assertThrows(VerityException.class, () -> VerityFiles.formatFec(data, dir.resolve("hash"),
        tree, fifo, 0, 2, 2));
    assertTrue(e.getMessage().contains("the FEC area goes into a file"), e.getMessage());

    Path target = Files.writeString(dir.resolve("target"), "old");
    Path link = Files.createSymbolicLink(dir.resolve("link"), target.getFileName());
    VerityFiles.format(data, link, p, 2);
    Tools.ok(List.of("veritysetup", "format", data.toString(), dir.resolve("theirs").toString(), "--salt", SALT,
        "--uuid", UUID_.toString()));
    assertTrue(Files.isSymbolicLink(link), "the link was replaced by a file");
    assertEquals(-1, Files.mismatch(target, dir.resolve("theirs")), "the link's target holds the tree");
  }

  @Test
  void aHashDeviceTooSmallIsRefusedBeforeAnythingIsWritten() throws Exception {
    Path data = loop("data", 16 << 20, 5);
    Path small = loop("small", 64 << 10, 6);
    byte[] before = Files.readAllBytes(dir.resolve("small"));
    VerityException e = assertThrows(VerityException.class, () -> VerityFiles.format(data, small, params(data), 2));
    assertTrue(e.getMessage().contains(small + " is 65536 bytes; the hash tree needs 139264"), e.getMessage());
    assertEquals(-1, Files.mismatch(dir.resolve("small"), Files.write(dir.resolve("before"), before)));
  }
}

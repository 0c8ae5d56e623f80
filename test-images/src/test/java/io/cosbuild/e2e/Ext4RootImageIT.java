package io.cosbuild.e2e;

import static io.cosbuild.e2e.Tools.cosbuild;
import static io.cosbuild.e2e.Tools.ok;
import static io.cosbuild.e2e.Tools.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cosbuild.cli.BootCommand;
import io.cosbuild.cli.boot.Accel;
import io.cosbuild.cli.boot.BootOutcome;
import io.cosbuild.cli.boot.BootTarget;
import io.cosbuild.cli.boot.QemuRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The minimal profile with {@code rootfs.type: ext4}: the root image passes e2fsck and veritysetup,
 * the kernel mounts it, the guest boots from it on dm-verity with the self-test passing, and a root
 * with one byte of busybox changed does not boot.
 */
class Ext4RootImageIT {

  @TempDir static Path work;
  static Path out;
  static JsonNode manifest;

  @BeforeAll
  static void build() throws Exception {
    Path profile = MinimalImageIT.profileExtendingMinimal(work, "ext4-root.yaml", "rootfs:\n  type: ext4\n");
    out = work.resolve("out");
    Tools.Result r = cosbuild("image", "--profile", profile.toString(), "--arch", "x86_64", "--out", out.toString(),
        "--source-date-epoch", MinimalImageIT.EPOCH, "--format", "raw");
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().matches("(?s).*\n  root image   ext4, \\d+ MiB\n.*"), r.out());
    manifest = MinimalImageIT.JSON.readTree(out.resolve("manifest.json").toFile());
  }

  @Test
  void rootAIsACleanExt4ThatVeritysetupAcceptsAndTheKernelMounts() throws Exception {
    assertEquals("ext4", manifest.get("rootfs").get("type").asText());
    assertEquals("none", manifest.get("rootfs").get("compression").asText());
    assertFalse(manifest.get("rootfs").has("level") || manifest.get("rootfs").has("xzFilters"), manifest.get("rootfs").toString());
    MinimalImageIT.assertGptMatchesManifest(out.resolve("disk.raw"), manifest);
    JsonNode root = MinimalImageIT.partitionOf(manifest, 2);
    JsonNode hash = MinimalImageIT.partitionOf(manifest, 3);
    Path disk = out.resolve("disk.raw");
    String data = ok("losetup", "--find", "--show", "--read-only", "--offset", MinimalImageIT.offset(root), "--sizelimit",
        MinimalImageIT.size(root), disk.toString()).trim();
    String tree = ok("losetup", "--find", "--show", "--read-only", "--offset", MinimalImageIT.offset(hash), "--sizelimit",
        MinimalImageIT.size(hash), disk.toString()).trim();
    Path mnt = Files.createDirectories(work.resolve("mnt"));
    try {
      ok("e2fsck", "-fn", data);
      String features = ok("dumpe2fs", "-h", data);
      assertFalse(features.contains("has_journal"), "a read-only root has no journal:\n" + features);
      assertTrue(features.matches("(?s).*Filesystem volume name:\\s+ROOT\n.*"), features);
      ok("veritysetup", "verify", data, tree, manifest.get("verity").get("rootHash").asText());
      ok("mount", "-t", "ext4", "-o", "ro,noload", data, mnt.toString());
      MinimalImageIT.assertMinimalRoot(mnt);
    } finally {
      run("umount", mnt.toString());
      run("losetup", "-d", data);
      run("losetup", "-d", tree);
    }
  }

  @Test
  void bootsFromTheExt4RootOnDmVerity() throws Exception {
    Path copy = copy("boot");
    BootTarget t = BootCommand.target(copy, null, List.of("cosbuild.selftest=1"), 512, false);
    try (QemuRunner q = QemuRunner.start(t, Accel.AUTO, s -> { }, n -> { })) {
      assertEquals(BootOutcome.FOUND, q.waitFor(Guest.READY, MinimalImageIT.BOOT), q.console());
      String c = q.console();
      Guest.assertSelfTestPassed(c, 12);
      assertTrue(c.contains("/dev/mapper/root / ext4 ro,"), "the root is the ext4 image on dm-verity:\n" + c);
    }
  }

  @Test
  void aRootWithOneByteOfBusyboxChangedDoesNotBoot() throws Exception {
    Path bad = copy("tampered");
    JsonNode root = MinimalImageIT.partitionOf(manifest, 2);
    long rootOffset = root.get("firstLba").asLong() * 512;
    // debugfs names busybox's first data block (the kernel runs busybox as init); change a byte in it.
    String bmap = ok("debugfs", "-R", "bmap /usr/bin/busybox 0", bad.resolve("disk.raw") + "?offset=" + rootOffset).strip();
    long block = Long.parseLong(bmap.substring(bmap.lastIndexOf('\n') + 1).strip());
    assertTrue(block > 0, bmap);
    MinimalImageIT.flipByte(bad.resolve("disk.raw"), rootOffset + block * 4096 + 100);
    Tools.Result r = cosbuild("boot", bad.toString(), "--expect", Guest.READY, "--timeout", "240");
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("kernel panic"), r.err());
    assertTrue(r.out().matches("(?s).*device-mapper: verity: .* is corrupted.*"), r.out());
    assertFalse(r.out().contains(Guest.READY), r.out());
  }

  private static Path copy(String name) throws Exception {
    Path dir = Files.createDirectories(work.resolve(name));
    for (String f : new String[] {"disk.raw", "manifest.json", "vmlinuz", "initrd.img"}) {
      ok("cp", "--sparse=always", out.resolve(f).toString(), dir.resolve(f).toString());
    }
    return dir;
  }
}

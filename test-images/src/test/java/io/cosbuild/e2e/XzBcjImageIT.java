package io.cosbuild.e2e;

import static io.cosbuild.e2e.Tools.cosbuild;
import static io.cosbuild.e2e.Tools.ok;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rootfs.compression: xz} with {@code rootfs.xz-bcj}: on x86_64 the root image carries x86-filtered blocks
 * (unsquashfs names the filter and extracts it; veritysetup accepts it) and Debian's kernel boots from it with the
 * self-test passing; for arm64, whose Debian kernel has no arm64 filter, the build is refused before the root image
 * is written, naming the kernel option.
 */
class XzBcjImageIT {

  @TempDir static Path work;

  /** Builds the minimal profile with xz at level 6 and {@code extra} rootfs lines into {@code out} for {@code arch}. */
  private static Tools.Result build(String arch, String extra, Path out) throws Exception {
    Path profile = MinimalImageIT.profileExtendingMinimal(work, out.getFileName() + ".yaml",
        "rootfs:\n  compression: xz\n  compression-level: 6\n" + extra);
    return cosbuild("image", "--profile", profile.toString(), "--arch", arch, "--out", out.toString(),
        "--source-date-epoch", MinimalImageIT.EPOCH, "--format", "raw");
  }

  @Test
  void anX86FilteredRootBootsOnX86_64() throws Exception {
    Path out = work.resolve("x86");
    Tools.Result r = build("x86_64", "  xz-bcj: [x86]\n", out);
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue((r.out() + r.err()).contains("Writing the root filesystem: squashfs xz (filters x86), "), r.out() + r.err());
    assertTrue(r.out().matches("(?s).*\n  root image   squashfs \\(xz 6, filters x86\\), \\d+ MiB\n.*"), r.out());
    JsonNode manifest = MinimalImageIT.JSON.readTree(out.resolve("manifest.json").toFile());
    // The filter was used, not only named: the same root with plain xz is larger (busybox and the libraries are
    // x86 code).
    Path plain = work.resolve("plain");
    Tools.Result p = build("x86_64", "", plain);
    assertEquals(0, p.code(), p.out() + p.err());
    JsonNode plainRootfs = MinimalImageIT.JSON.readTree(plain.resolve("manifest.json").toFile()).get("rootfs");
    long plainSize = plainRootfs.get("size").asLong();
    assertEquals("[\"x86\"]", String.valueOf(manifest.get("rootfs").get("xzFilters")), manifest.get("rootfs").toString());
    assertEquals(6, manifest.get("rootfs").get("level").asInt(), manifest.get("rootfs").toString());
    assertFalse(plainRootfs.has("xzFilters"), plainRootfs.toString());
    assertTrue(manifest.get("rootfs").get("size").asLong() < plainSize, manifest.get("rootfs") + " against " + plainSize);
    JsonNode root = MinimalImageIT.partitionOf(manifest, 2);
    Path image = work.resolve("root.sqfs");
    ok("dd", "if=" + out.resolve("disk.raw"), "of=" + image, "bs=512", "skip=" + root.get("firstLba").asLong(),
        "count=" + (root.get("lastLba").asLong() - root.get("firstLba").asLong() + 1), "status=none");
    String stat = ok("unsquashfs", "-s", image.toString());
    assertTrue(stat.contains("Compression xz") && stat.contains("Filters selected: x86\n"), stat);
    Path extracted = work.resolve("extracted");
    ok("unsquashfs", "-no-xattrs", "-d", extracted.toString(), image.toString());
    assertTrue(Files.isRegularFile(extracted.resolve("usr/bin/busybox")), "busybox extracted");

    BootTarget t = BootCommand.target(out, null, List.of("cosbuild.selftest=1"), 512, false);
    try (QemuRunner q = QemuRunner.start(t, Accel.AUTO, s -> { }, n -> { })) {
      assertEquals(BootOutcome.FOUND, q.waitFor(Guest.READY, MinimalImageIT.BOOT), q.console());
      Guest.assertSelfTestPassed(q.console(), 12);
    }
  }

  @Test
  void anArm64FilterIsRefusedForDebiansArm64KernelBeforeTheRootIsWritten() throws Exception {
    Path out = work.resolve("arm64");
    Tools.Result r = build("arm64", "  xz-bcj: [arm64]\n", out);
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().matches("(?s).*kernel [^ ]+-arm64 cannot boot this image: its /boot/config-[^ ]+ lacks "
        + "CONFIG_XZ_DEC_ARM64=y \\(rootfs.xz-bcj: arm64\\).*"), r.err());
    assertFalse((r.out() + r.err()).contains("Writing the root filesystem"), r.out() + r.err());
    assertFalse(Files.exists(out.resolve("disk.raw")));
  }
}

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
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kernel.keep-modules: true}: the kernel package's modules and their indexes are in the root,
 * the SBOM lists the kernel package, and the booted guest loads a module the initramfs did not
 * (br_netfilter, with bridge, stp and llc under it, as a container network needs) with modprobe.
 */
class KernelModulesImageIT {

  @TempDir Path work;

  /** {@code cosbuild image} of {@code profile} for x86_64 into {@code out}, a raw disk only. */
  private static Tools.Result build(Path profile, Path out) {
    return cosbuild("image", "--profile", profile.toString(), "--arch", "x86_64", "--out", out.toString(),
        "--source-date-epoch", MinimalImageIT.EPOCH, "--format", "raw");
  }

  @Test
  void theBootedGuestLoadsAModuleFromTheRoot() throws Exception {
    Path profile = MinimalImageIT.profileExtendingMinimal(work, "modules.yaml", "kernel:\n  keep-modules: true\n");
    Path out = work.resolve("out");
    Tools.Result r = build(profile, out);
    assertEquals(0, r.code(), r.out() + r.err());
    JsonNode sbom = MinimalImageIT.JSON.readTree(out.resolve("sbom.spdx.json").toFile());
    assertTrue(sbom.get("packages").findValuesAsText("name").stream().anyMatch(n -> n.matches("linux-image-\\d.*")),
        sbom.toString());

    assertManifestListsThePackageDatabase(out);

    BootTarget t = BootCommand.target(out, null, List.of(), 512, true);
    try (QemuRunner q = QemuRunner.start(t, Accel.AUTO, s -> { }, n -> { })) {
      assertEquals(BootOutcome.FOUND, q.waitFor(Guest.READY, MinimalImageIT.BOOT), q.console());
      int mark = q.console().length();
      q.send("B=$(test -e /sys/module/br_netfilter && echo loaded || echo absent); busybox modprobe br_netfilter;"
          + " echo M-$B-$(cat /sys/module/br_netfilter/initstate)-$(cat /sys/module/bridge/initstate)-"
          + "$(ls /usr/lib/modules/$(uname -r)/modules.dep.bin)-M");
      assertEquals(BootOutcome.FOUND, q.waitFor("/modules.dep.bin-M", mark, Duration.ofSeconds(60)),
          q.console().substring(mark));
      String reply = q.console().substring(mark);
      assertTrue(reply.contains("M-absent-live-live-/usr/lib/modules/"), "br_netfilter loaded by modprobe, not before:\n"
          + reply);
    }
  }

  /**
   * A module the profile wants that the kernel package does not have fails the build before the root image is
   * written (the initramfs is built first), naming the field and the module (as modinfo spells it), and leaves no
   * output directory.
   */
  @Test
  void aModuleTheKernelLacksIsRefusedBeforeTheRootIsWritten() throws Exception {
    Path profile = MinimalImageIT.profileExtendingMinimal(work, "nomodule.yaml",
        "kernel:\n  modules: [br_netfilter, no-such-module]\n");
    Path out = work.resolve("nomodule");
    Tools.Result r = build(profile, out);
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("kernel.modules: no_such_module is not in the kernel package, neither as a module file nor"
        + " built in"), r.err());
    assertFalse((r.out() + r.err()).contains("Writing the root filesystem"), r.out() + r.err());
    assertFalse(Files.exists(out), "no output directory is left");
  }

  /**
   * manifest.json lists exactly the packages dpkg-query finds in the root's package database (the kernel
   * package that keep-modules adds too), as the kernel mounts ROOT-A; verify accepts the image.
   */
  private void assertManifestListsThePackageDatabase(Path out) throws Exception {
    JsonNode manifest = MinimalImageIT.JSON.readTree(out.resolve("manifest.json").toFile());
    JsonNode root = MinimalImageIT.partitionOf(manifest, 2);
    String loop = ok("losetup", "--find", "--show", "--read-only", "--offset", MinimalImageIT.offset(root), "--sizelimit",
        MinimalImageIT.size(root), out.resolve("disk.raw").toString()).trim();
    Path mnt = Files.createDirectories(work.resolve("mnt"));
    Set<String> dpkg;
    try {
      ok("mount", "-t", "squashfs", "-o", "ro", loop, mnt.toString());
      dpkg = new TreeSet<>(ok("dpkg-query", "--admindir=" + mnt.resolve("var/lib/dpkg"), "-W", "-f=${Package} ${Version}\\n")
          .lines().toList());
    } finally {
      run("umount", mnt.toString());
      run("losetup", "-d", loop);
    }
    Set<String> listed = new TreeSet<>();
    manifest.get("packages").forEach(p -> listed.add(p.get("name").asText() + " " + p.get("version").asText()));
    assertEquals(dpkg, listed);
    Tools.Result v = cosbuild("verify", out.toString());
    assertEquals(0, v.code(), v.out() + v.err());
  }
}

package io.cosbuild.rootfs.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cosbuild.rootfs.dpkg.DebFile;
import io.cosbuild.rootfs.dpkg.PackageContent;
import io.cosbuild.rootfs.tar.PaxTarWriter;
import io.cosbuild.rootfs.testutil.RealDebs;
import io.cosbuild.rootfs.tree.BlobStore;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A container host's closure with systemd, udev, dbus, openssh-server, nftables, iptables,
 * containerd and runc (about 117 packages, ~64 MiB of downloads, so only with
 * {@code -Dcosbuild.it.systemd=true}). apt computes the install order on an empty dpkg status; the
 * judges are systemctl, chroot'ed binaries and dpkg-query.
 */
class SystemdClosureIT {

  @TempDir Path dir;

  @Test
  void containerHostClosureAssembles() throws Exception {
    assumeTrue(Boolean.getBoolean("cosbuild.it.systemd"), "large download: set -Dcosbuild.it.systemd=true");
    Path empty = Files.createFile(dir.resolve("empty-status"));
    List<String> cmd = new ArrayList<>(List.of("apt-get", "install", "-s", "--no-install-recommends",
        "-o", "Dir::State::status=" + empty, "systemd", "systemd-sysv", "iptables", "nftables", "openssh-server",
        "containerd", "runc", "ca-certificates", "kmod", "udev", "dbus"));
    RealDebs.Result sim = RealDebs.run(cmd);
    assertEquals(0, sim.code(), sim.output());
    List<String> order = sim.output().lines().filter(l -> l.startsWith("Inst ")).map(l -> l.split(" ")[1]).toList();
    List<PackageContent> pkgs = new ArrayList<>();
    for (Path d : RealDebs.fetch(order)) {
      pkgs.add(DebFile.read(d, null));
    }
    AssemblyResult r = RootfsAssembler.assemble(AssemblyPlan.builder("container-host", pkgs,
        BlobStore.open(dir.resolve("blobs")), 1_700_000_000L)
        .users(List.of(UserSpec.system("containerd")))
        .units(List.of("containerd.service", "nftables.service", "ssh.service"))
        .hardening(HardeningOptions.strict())
        .mountLayout(MountLayout.cosDefault())
        .factoryEtc(true)
        .build());
    System.out.println(r.audit().toText());
    Path tar = dir.resolve("root.tar");
    try (OutputStream out = Files.newOutputStream(tar)) {
      PaxTarWriter.write(r.tree(), out, 1_700_000_000L);
    }
    Path root = Files.createDirectories(dir.resolve("root"));
    assertEquals(0, RealDebs.run(List.of("tar", "-xpf", tar.toString(), "--numeric-owner", "-C", root.toString())).code());

    RealDebs.Result enabled = RealDebs.run(List.of("systemctl", "--root=" + root, "list-unit-files", "--state=enabled",
        "--no-legend"));
    assertEquals(List.of("containerd.service", "nftables.service", "ssh.service"),
        enabled.output().lines().map(l -> l.split("\\s+")[0]).sorted().toList(), enabled.output());
    // The iptables alternative (a postinst job) points at the nft backend.
    RealDebs.Result ipt = RealDebs.run(List.of("chroot", root.toString(), "/usr/sbin/iptables", "--version"));
    assertTrue(ipt.output().contains("(nf_tables)"), ipt.output());
    // update-alternatives reads the database the step wrote.
    RealDebs.Result alt = RealDebs.run(List.of("update-alternatives", "--root", root.toString(), "--query", "iptables"));
    assertEquals(0, alt.code(), alt.output());
    assertTrue(alt.output().contains("Status: manual\n") && alt.output().contains("Value: /usr/sbin/iptables-nft\n"), alt.output());
    RealDebs.Result sd = RealDebs.run(List.of("chroot", root.toString(), "/usr/bin/systemctl", "--version"));
    assertEquals(0, sd.code(), sd.output());
    RealDebs.Result q = RealDebs.run(List.of("dpkg-query", "--admindir=" + root.resolve("var/lib/dpkg"), "-W"));
    assertEquals(order.size(), q.output().lines().count(), q.output());
    assertEquals(null, r.audit().binSh());
  }
}

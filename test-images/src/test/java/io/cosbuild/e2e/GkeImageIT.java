package io.cosbuild.e2e;

import static io.cosbuild.e2e.Tools.cosbuild;
import static io.cosbuild.e2e.Tools.ok;
import static io.cosbuild.e2e.Tools.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cosbuild.cli.BootCommand;
import io.cosbuild.cli.boot.Accel;
import io.cosbuild.cli.boot.BootOutcome;
import io.cosbuild.cli.boot.BootTarget;
import io.cosbuild.cli.boot.QemuRunner;
import io.cosbuild.cli.boot.UefiFirmware;
import io.cosbuild.spec.model.Architecture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gke profile: systemd, containerd and runc on a verified root with the kernel's modules, booted
 * to multi-user, where a runc container on a bridge reaches the host. The image is the shipped gke
 * plus one probe unit (src/test/resources/profiles/gke-container-probe.yaml); everything else is gke's.
 */
class GkeImageIT {

  /** Where the test's profile lives; Maven runs the tests in the module's directory. */
  private static final Path PROBE_PROFILES = Path.of("src/test/resources/profiles").toAbsolutePath();

  @TempDir Path work;

  @Test
  void gkeImageBootsToMultiUserWithContainerd() throws Exception {
    Path out = work.resolve("out");
    Tools.Result r = cosbuild("image", "--profile-path", PROBE_PROFILES.toString(), "--profile", "gke-container-probe",
        "--arch", "x86_64", "--out", out.toString(),
        "--source-date-epoch", MinimalImageIT.EPOCH, "--format", "raw");
    assertEquals(0, r.code(), r.out() + r.err());
    JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
    // The audit names the maintainer scripts whose rights the image lacks; the probe profile declared dbus's and
    // iproute2's, so only openssh-client's (stripped by base's strip-setuid anyway) and base-files' remain.
    String scripts = new ObjectMapper().readTree(out.resolve("audit.json").toFile()).path("findings")
        .path("MAINTAINER_PERMISSIONS").toString();
    assertTrue(scripts.contains("openssh-client: postinst: chmod 2755 /usr/bin/ssh-agent"), scripts);
    assertFalse(scripts.contains("dbus:") || scripts.contains("iproute2:"), scripts);
    List<String> names = manifest.get("packages").findValuesAsText("name");
    assertTrue(names.containsAll(List.of("containerd", "runc", "systemd", "nftables")), names.toString());
    assertFalse(names.contains("python3") || names.contains("perl"), "denied packages stay out: " + names);
    // The summary counts what the root holds, kernel packages kept for their modules included, as the manifest does.
    assertTrue(r.out().contains("  packages     " + manifest.get("packages").size() + " in the root ("), r.out());

    // The root is readable by the kernel and its binaries are the packages' own.
    JsonNode root = MinimalImageIT.partitionOf(manifest, 2);
    String dev = ok("losetup", "--find", "--show", "--read-only", "--offset", MinimalImageIT.offset(root), "--sizelimit",
        MinimalImageIT.size(root), out.resolve("disk.raw").toString()).trim();
    Path mnt = Files.createDirectories(work.resolve("mnt"));
    try {
      ok("mount", "-t", "squashfs", "-o", "ro", dev, mnt.toString());
      assertTrue(ok("chroot", mnt.toString(), "/usr/bin/containerd", "--version").contains("containerd"));
      assertTrue(ok("chroot", mnt.toString(), "/usr/sbin/runc", "--version").contains("runc version"));
      // containerd itself reads the profile's configuration: runc under the systemd cgroup driver.
      String config = ok("chroot", mnt.toString(), "/usr/bin/containerd", "--config", "/etc/containerd/config.toml",
          "config", "dump");
      assertTrue(config.contains("SystemdCgroup = true"), config);
      assertTrue(config.contains("bin_dir = \"/opt/cni/bin\""), config);
      assertTrue(Files.isSymbolicLink(mnt.resolve("etc/systemd/system/multi-user.target.wants/containerd.service")));
      // ca-certificates as its postinst leaves it, or no TLS client on the node (containerd pulling an image)
      // trusts any server: the image's own openssl finds a root by its hash link, and in the bundle.
      String ca = "/usr/share/ca-certificates/mozilla/ISRG_Root_X1.crt";
      assertTrue(ok("chroot", mnt.toString(), "/usr/bin/openssl", "verify", "-no-CAfile", "-no-CAstore", "-CApath", "/etc/ssl/certs",
          ca).contains(ca + ": OK"));
      assertTrue(ok("chroot", mnt.toString(), "/usr/bin/openssl", "verify", "-no-CApath", "-no-CAstore", "-CAfile",
          "/etc/ssl/certs/ca-certificates.crt", ca).contains(ca + ": OK"));
      // No python or perl: perl-base is Essential, its interpreter is removed by the profile.
      for (String gone : List.of("usr/bin/perl", "usr/bin/python3", "usr/bin/bash")) {
        assertFalse(Files.exists(mnt.resolve(gone), java.nio.file.LinkOption.NOFOLLOW_LINKS), gone);
      }
      // strip-setuid (base profile): no file the kernel would run with another user's or group's rights but the
      // one the probe profile's security.permissions makes so after it, as dbus's postinst would.
      String helper = "/usr/lib/dbus-1.0/dbus-daemon-launch-helper";
      assertEquals(mnt + helper + "\n", ok("find", mnt.toString(), "-xdev", "-type", "f", "-perm", "/6000"));
      assertEquals("4754 root messagebus\n", ok("chroot", mnt.toString(), "/usr/bin/stat", "-c", "%a %U %G", helper));
      assertEquals("root messagebus 4754 " + helper + "\n",
          ok("chroot", mnt.toString(), "/usr/bin/dpkg-statoverride", "--list"), "recorded as dpkg-statoverride would");
      assertEquals("/usr/bin/ip cap_dac_override,cap_net_admin,cap_sys_admin=ep\n",
          ok("chroot", mnt.toString(), "/usr/sbin/getcap", "/usr/bin/ip"), "iproute2's setcap, through the /bin link");
      // keep-modules: the image's own kmod finds what container networking loads, with its dependencies.
      String release;
      try (var releases = Files.list(mnt.resolve("usr/lib/modules"))) {
        release = releases.findFirst().orElseThrow().getFileName().toString();
      }
      String deps = ok("chroot", mnt.toString(), "/usr/sbin/modprobe", "-S", release, "--show-depends", "br_netfilter");
      assertTrue(deps.contains("/kernel/net/llc/llc.ko") && deps.contains("/kernel/net/bridge/bridge.ko")
          && deps.contains("/kernel/net/bridge/br_netfilter.ko"), deps);
    } finally {
      run("umount", mnt.toString());
      run("losetup", "-d", dev);
    }

    // Booted as a cloud VM boots it: UEFI firmware starts the unified kernel image on the disk's ESP, whose
    // command line (the probe profile's kernel.cmdline) forwards the journal to the console.
    BootTarget t = BootCommand.target(out, null, List.of(), 1024, true).withUserNetwork(true)
        .withFirmware(UefiFirmware.require(Architecture.X86_64, null));
    try (QemuRunner q = QemuRunner.start(t, Accel.AUTO, s -> { }, n -> { })) {
      assertEquals(BootOutcome.FOUND, q.waitFor("Multi-User System", Duration.ofSeconds(420)), q.console());
      String c = q.console();
      assertTrue(c.contains("EFI stub: Loaded initrd from LINUX_EFI_INITRD_MEDIA_GUID"), "booted from the ESP:\n" + c);
      assertTrue(c.contains("Started containerd.service"), "containerd starts:\n" + c);
      assertFalse(c.contains("Failed to start containerd"), c);
      // What a node does for each pod: the bridge and veth modules load on demand (modules.alias),
      // br_netfilter loads, runc starts a container in its own network namespace on the read-only
      // root, and the container reaches the host's sshd through the firewall.
      assertTrue(c.contains("container-probe: ok"), "the container probe passes:\n" + c);
      // The node's network card gets its address by DHCP (systemd-networkd), its DNS server goes to systemd-resolved.
      assertTrue(c.matches("(?s).*systemd-networkd\\[\\d+\\]: (en|eth)\\w+: DHCPv4 address 10\\.0\\.2\\.15/24.*"), c);
      assertTrue(c.contains("container-probe: dns from dhcp: ok"), c);
      assertTrue(c.contains("Started systemd-timesyncd.service"), "the clock is kept:\n" + c);
      assertTrue(c.contains("container-probe: cni plugin from /opt/cni/bin runs"), "a CNI installer's plugin can run:\n" + c);
      // What the packages' maintainer scripts would have made is there: udev and tmpfiles find the groups
      // they name (kvm, render...), and nothing at boot tries to create a directory in the read-only root.
      assertFalse(c.contains("Failed to resolve group") || c.contains("Failed to resolve user"), c);
      assertFalse(c.contains("Read-only file system"), c);
    }

    // Deterministic where most steps run (package accounts, kernel modules and their indexes, alternatives,
    // units): the same lock and epoch built as another machine would give the same bytes.
    Path again = work.resolve("again");
    Tools.Result r2 = Tools.cosbuildElsewhere(Files.createDirectories(work.resolve("elsewhere")), "image", "--profile-path",
        PROBE_PROFILES.toString(), "--profile", "gke-container-probe", "--arch", "x86_64", "--out", again.toString(),
        "--source-date-epoch", MinimalImageIT.EPOCH, "--format", "raw", "--lock", out.resolve("cosbuild.lock").toString());
    assertEquals(0, r2.code(), r2.out());
    Tools.assertSameOutputs(out, again);
  }
}

package io.cosbuild.rootfs.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cosbuild.rootfs.audit.AuditCheck;
import io.cosbuild.rootfs.dpkg.DebFile;
import io.cosbuild.rootfs.dpkg.PackageContent;
import io.cosbuild.rootfs.tar.PaxTarWriter;
import io.cosbuild.rootfs.testutil.RealDebs;
import io.cosbuild.rootfs.testutil.SpdxJudge;
import io.cosbuild.rootfs.tree.BlobStore;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The containerd + runc closure (as {@code apt-get install -s --no-install-recommends containerd
 * runc} computes it on an empty system, plus base-files and base-passwd) assembled, exported as
 * tar, unpacked as root and run under chroot. Reference tools judge: chroot + the binaries,
 * dpkg-query, dpkg-deb, systemctl, pwck/grpck, sha256sum, python3-license-expression (the SBOM's licences).
 */
class GkeClosureIT {

  static final List<String> CLOSURE = List.of("base-files", "base-passwd", "gcc-12-base", "libgcc-s1", "libc6",
      "libseccomp2", "runc", "containerd");
  static List<Path> debs;

  @TempDir Path dir;

  @BeforeAll
  static void fetch() throws Exception {
    debs = RealDebs.fetch(CLOSURE);
  }

  static AssemblyPlan plan(List<Path> debs, BlobStore store) throws Exception {
    List<PackageContent> pkgs = new ArrayList<>();
    for (Path d : debs) {
      pkgs.add(DebFile.read(d, null));
    }
    return AssemblyPlan.builder("gke-test", pkgs, store, 1_700_000_000L)
        .users(List.of(UserSpec.system("containerd")))
        .units(List.of("containerd.service"))
        .hardening(HardeningOptions.strict())
        .mountLayout(MountLayout.cosDefault())
        .factoryEtc(true)
        .auditErrors(Set.of(AuditCheck.SHELL_REACHABLE, AuditCheck.LOGIN_ACCOUNTS, AuditCheck.SECRETS))
        .build();
  }

  static String sha256(Path f) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (var in = Files.newInputStream(f)) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  @Test
  void assemblesRunsAndIsRecognised() throws Exception {
    long t0 = System.nanoTime();
    AssemblyResult r = RootfsAssembler.assemble(plan(debs, BlobStore.open(dir.resolve("blobs1"))));
    long t1 = System.nanoTime();
    Path tar = dir.resolve("gke.tar");
    try (OutputStream out = Files.newOutputStream(tar)) {
      PaxTarWriter.write(r.tree(), out, 1_700_000_000L);
    }
    System.out.println(r.audit().toText());
    System.out.printf("gke closure: %d packages, %d entries, %d content bytes, tar %d bytes, assembly %.1f s%n",
        r.packages().size(), r.tree().size(), r.tree().contentBytes(), Files.size(tar), (t1 - t0) / 1e9);

    // Same inputs, another blob store: the same bytes.
    AssemblyResult again = RootfsAssembler.assemble(plan(debs, BlobStore.open(dir.resolve("blobs2"))));
    Path tar2 = dir.resolve("gke2.tar");
    try (OutputStream out = Files.newOutputStream(tar2)) {
      PaxTarWriter.write(again.tree(), out, 1_700_000_000L);
    }
    assertEquals(sha256(tar), sha256(tar2), "two assemblies of the same inputs differ");
    assertEquals(r.sbom().json(), again.sbom().json());

    Path root = Files.createDirectories(dir.resolve("root"));
    RealDebs.Result x = RealDebs.run(List.of("tar", "-xpf", tar.toString(), "--numeric-owner", "-C", root.toString()));
    assertEquals(0, x.code(), x.output());

    RealDebs.Result containerd = RealDebs.run(List.of("chroot", root.toString(), "/usr/bin/containerd", "--version"));
    System.out.println("chroot containerd --version: " + containerd.output().strip());
    assertEquals(0, containerd.code(), containerd.output());
    assertTrue(containerd.output().contains(version("containerd").replaceAll("~.*", "")), containerd.output());
    RealDebs.Result runc = RealDebs.run(List.of("chroot", root.toString(), "/usr/sbin/runc", "--version"));
    System.out.println("chroot runc --version: " + runc.output().strip().replace('\n', ' '));
    assertEquals(0, runc.code(), runc.output());
    assertTrue(runc.output().contains("runc version " + version("runc").replaceAll("\\+.*", "")), runc.output());

    // dpkg-query reads the status database and lists exactly the installed packages.
    RealDebs.Result q = RealDebs.run(List.of("dpkg-query", "--admindir=" + root.resolve("var/lib/dpkg"), "-W",
        "-f=${Package} ${Version} ${db:Status-Abbrev}\\n"));
    assertEquals(0, q.code(), q.output());
    Set<String> expected = new TreeSet<>();
    for (String p : CLOSURE) {
      expected.add(p + " " + version(p) + " ii ");
    }
    assertEquals(expected, new TreeSet<>(q.output().lines().toList()));
    RealDebs.Result files = RealDebs.run(List.of("dpkg-query", "--admindir=" + root.resolve("var/lib/dpkg"), "-S",
        "/usr/bin/containerd"));
    assertEquals(0, files.code(), files.output());
    assertTrue(files.output().startsWith("containerd: "), files.output() + RealDebs.run(List.of("ls", root.resolve("var/lib/dpkg/info").toString())).output());

    // dpkg --verify checks every installed file against the packages' md5sums; only what the
    // hardening removed on purpose (docs, man pages, locales) may be missing.
    List<String> verifyArgs = new ArrayList<>(List.of("dpkg", "--root=" + root, "--verify"));
    RealDebs.Result verify = RealDebs.run(verifyArgs);
    List<String> unexpected = verify.output().lines()
        .filter(l -> !l.matches("missing +/usr/share/(doc|doc-base|man|locale|lintian|info)(/.*)?")).toList();
    assertEquals(List.of(), unexpected, "dpkg --verify");
    assertTrue(verify.output().contains("missing     /usr/share/doc/containerd/changelog.Debian.gz"), verify.output());

    // systemctl agrees the unit is enabled.
    RealDebs.Result en = RealDebs.run(List.of("systemctl", "--root=" + root, "is-enabled", "containerd.service"));
    assertEquals("enabled", en.output().strip(), en.output());

    // shadow-utils' checkers accept the account files.
    RealDebs.Result pwck = RealDebs.run(List.of("pwck", "-r", "-q", root.resolve("etc/passwd").toString(),
        root.resolve("etc/shadow").toString()));
    assertTrue(pwck.code() == 0 || pwck.output().lines().allMatch(l -> l.contains("directory")), pwck.output());
    RealDebs.Result grpck = RealDebs.run(List.of("grpck", "-r", root.resolve("etc/group").toString(),
        root.resolve("etc/gshadow").toString()));
    assertEquals(0, grpck.code(), grpck.output());
    String passwd = Files.readString(root.resolve("etc/passwd"));
    // uid 100 is free, gid 100 is base-passwd's "users", so the group takes the next free id.
    assertTrue(passwd.contains("\ncontainerd:x:100:101:containerd:/nonexistent:/usr/sbin/nologin\n"), passwd);

    // Audit and SBOM.
    assertNull(r.audit().binSh());
    assertEquals(CLOSURE.size(), r.audit().packageCount());
    JsonNode sbom = new ObjectMapper().readTree(r.sbom().json());
    assertEquals("SPDX-2.3", sbom.get("spdxVersion").asText());
    Map<String, String> sums = new HashMap<>();
    for (JsonNode p : sbom.get("packages")) {
      if (p.has("checksums")) {
        sums.put(p.get("name").asText(), p.get("checksums").get(0).get("checksumValue").asText());
        assertTrue(p.get("externalRefs").get(0).get("referenceLocator").asText().startsWith("pkg:deb/debian/"
            + p.get("name").asText() + "@"));
      }
    }
    for (int i = 0; i < CLOSURE.size(); i++) {
      String ref = RealDebs.run(List.of("sha256sum", debs.get(i).toString())).output().split(" ")[0];
      assertEquals(ref, sums.get(CLOSURE.get(i)), CLOSURE.get(i));
    }
    // Every declared licence is valid SPDX for the reference library, its LicenseRefs declared.
    assertEquals(List.of(), SpdxJudge.document(r.sbom().json()).problems());
    // Layout and hardening files are where the init and systemd look for them.
    assertTrue(Files.isSymbolicLink(root.resolve("home")));
    assertEquals("", Files.readString(root.resolve("etc/machine-id")));
    assertTrue(Files.exists(root.resolve("usr/share/factory/etc/passwd")));
    assertTrue(Files.readString(root.resolve("etc/nftables.conf")).contains("tcp dport { 22 } accept"));
  }

  static String version(String pkg) throws Exception {
    Path deb = debs.get(CLOSURE.indexOf(pkg));
    return RealDebs.run(List.of("dpkg-deb", "-f", deb.toString(), "Version")).output().strip();
  }
}

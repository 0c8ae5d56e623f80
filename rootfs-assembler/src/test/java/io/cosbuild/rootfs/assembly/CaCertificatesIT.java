package io.cosbuild.rootfs.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.rootfs.certs.TestCertificates;
import io.cosbuild.rootfs.dpkg.DebFile;
import io.cosbuild.rootfs.tar.PaxTarWriter;
import io.cosbuild.rootfs.testutil.RealDebs;
import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsPath;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bookworm's ca-certificates, assembled: /etc/ca-certificates.conf as the package's postinst writes it, and
 * /etc/ssl/certs as the package's own update-ca-certificates (with the host's openssl rehash) makes it from
 * the same files, a site CA under /usr/local/share/ca-certificates included.
 */
class CaCertificatesIT {

  static final long EPOCH = 1_700_000_000L;
  static final String SITE_CA = "/usr/local/share/ca-certificates/site/Corp CA (test),1.crt";

  @TempDir static Path dir;
  static Path deb;

  @BeforeAll
  static void fetch() throws Exception {
    deb = RealDebs.fetch(List.of("ca-certificates")).get(0);
  }

  @Test
  void sameAsThePackagesOwnScripts() throws Exception {
    // Without its last newline, which the bundle must still get (Debian #635570).
    byte[] site = TestCertificates.pem(TestCertificates.der(new X500Name("CN=Corp Site CA,O=Example"), 7)).strip()
        .getBytes(StandardCharsets.US_ASCII);
    AssemblyPlan plan = AssemblyPlan.builder("ca-test", List.of(DebFile.read(deb, null)), BlobStore.open(dir.resolve("blobs")), EPOCH)
        .overlayFile(new OverlayFile(FsPath.parse(SITE_CA), site, 0644, 0, 0))
        .hardening(HardeningOptions.none())
        .build();
    AssemblyResult r = RootfsAssembler.assemble(plan);
    Path ours = Files.createDirectories(dir.resolve("ours"));
    Path tar = dir.resolve("ours.tar");
    try (OutputStream out = Files.newOutputStream(tar)) {
      PaxTarWriter.write(r.tree(), out, EPOCH);
    }
    ok("tar", "-xpf", tar.toString(), "--numeric-owner", "-C", ours.toString());

    // The package's files, its postinst and its update-ca-certificates.
    Path ref = Files.createDirectories(dir.resolve("ref"));
    ok("dpkg-deb", "-x", deb.toString(), ref.toString());
    Path control = dir.resolve("control");
    ok("dpkg-deb", "-e", deb.toString(), control.toString());
    String postinst = Files.readString(control.resolve("postinst"));
    int from = postinst.indexOf("cat > /etc/ca-certificates.conf <<EOF\n");
    assertTrue(from > 0, "the postinst writes a new conf with a here-document");
    from = postinst.indexOf('\n', from) + 1;
    String header = postinst.substring(from, postinst.indexOf("\nEOF\n", from) + 1);
    String list = ok("sh", "-c", "cd " + ref.resolve("usr/share/ca-certificates") + " && find . -type f -name '*.crt' -print"
        + " | sed -e 's/^\\.\\///' | LC_ALL=C sort");
    assertEquals(header + list, Files.readString(ours.resolve("etc/ca-certificates.conf")));
    assertTrue(list.lines().count() > 100, list);

    Path local = Files.createDirectories(ref.resolve("usr/local/share/ca-certificates/site"));
    Files.write(local.resolve("Corp CA (test),1.crt"), site);
    Path etc = Files.createDirectories(ref.resolve("etc/ssl/certs"));
    ok("sh", ref.resolve("usr/sbin/update-ca-certificates").toString(), "--fresh",
        "--certsconf", ours.resolve("etc/ca-certificates.conf").toString(),
        "--certsdir", ref.resolve("usr/share/ca-certificates").toString(),
        "--localcertsdir", ref.resolve("usr/local/share/ca-certificates").toString(),
        "--etccertsdir", etc.toString(), "--hooksdir", dir.resolve("no-hooks").toString());

    Map<String, String> expected = entries(etc, ref.toString());
    Map<String, String> actual = entries(ours.resolve("etc/ssl/certs"), "");
    assertEquals(expected.keySet(), actual.keySet());
    assertEquals(expected, actual);
    assertTrue(actual.get("Corp_CA_=test=_1.pem").equals("-> " + SITE_CA), actual.toString());
    assertTrue(actual.keySet().stream().filter(n -> n.matches("[0-9a-f]{8}\\.[0-9]+")).count() > 100, actual.toString());
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(ours.resolve("etc/ssl/certs/ca-certificates.crt"))));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(ours.resolve("etc/ca-certificates.conf"))));
  }

  /** Each entry of a certs directory: a link as "-> target" (the reference's prefix taken off), a file by its text. */
  static Map<String, String> entries(Path certs, String prefix) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.list(certs)) {
      for (Path p : s.toList()) {
        String v = Files.isSymbolicLink(p) ? "-> " + Files.readSymbolicLink(p).toString().replace(prefix, "")
            : Files.readString(p);
        out.put(p.getFileName().toString(), v);
      }
    }
    return out;
  }

  static String ok(String... cmd) throws Exception {
    RealDebs.Result r = RealDebs.run(List.of(cmd));
    assertEquals(0, r.code(), String.join(" ", cmd) + ": " + r.output());
    return r.output();
  }
}

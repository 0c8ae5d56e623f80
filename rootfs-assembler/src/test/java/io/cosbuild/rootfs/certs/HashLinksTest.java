package io.cosbuild.rootfs.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The links we compute against those {@code openssl rehash} makes in the same directory. */
class HashLinksTest {

  @TempDir Path dir;

  @Test
  void sameLinksAsOpensslRehash() throws Exception {
    byte[] a = TestCertificates.der(new X500Name("CN=Same Subject,O=Test"), 1);
    byte[] b = TestCertificates.der(new X500Name("CN=Same Subject,O=Test"), 2); // another key: a hash collision
    byte[] d = TestCertificates.der(new X500Name("CN=Other"), 3);
    byte[] e = TestCertificates.der(new X500Name("CN=Upper Case Suffix"), 4);
    byte[] f = TestCertificates.der(new X500Name("CN=Trusted"), 5);
    Files.writeString(dir.resolve("b.crt"), TestCertificates.pem(b));
    Files.writeString(dir.resolve("a.pem"), TestCertificates.pem(a));
    Files.writeString(dir.resolve("c.pem"), TestCertificates.pem(a)); // the same certificate again: no link
    Files.writeString(dir.resolve("d.cer"), "text before\n" + TestCertificates.pem(d));
    Files.writeString(dir.resolve("bundle.pem"), TestCertificates.pem(a) + TestCertificates.pem(d)); // two: no link
    Files.writeString(dir.resolve("E.PEM"), TestCertificates.pem(e));
    Files.writeString(dir.resolve("f.txt"), TestCertificates.pem(e)); // not a name rehash reads
    Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
    Files.writeString(dir.resolve("plain.pem"), TestCertificates.pem(f));
    SubjectHashTest.openssl("x509", "-in", dir.resolve("plain.pem").toString(), "-addtrust", "serverAuth", "-out",
        dir.resolve("trusted.pem").toString());
    assertTrue(Files.readString(dir.resolve("trusted.pem")).contains("BEGIN TRUSTED CERTIFICATE"));
    Files.delete(dir.resolve("plain.pem"));

    SortedMap<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        files.put(p.getFileName().toString(), Files.readAllBytes(p));
      }
    }
    Map<String, String> ours = HashLinks.of(files);

    SubjectHashTest.openssl("rehash", dir.toString());
    Map<String, String> theirs = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(Files::isSymbolicLink).toList()) {
        theirs.put(p.getFileName().toString(), Files.readSymbolicLink(p).toString());
      }
    }
    assertEquals(theirs, new TreeMap<>(ours));
    assertEquals(5, ours.size(), ours.toString()); // a, b (collision: .1), d, E, trusted; not c, bundle, f, junk
  }
}

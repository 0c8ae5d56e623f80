package io.cosbuild.rootfs.efi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verifier on {@link TinyPe} signed in the test; {@code AuthenticodeSignerIT} holds it against sbverify. */
class AuthenticodeVerifierTest {

  @TempDir Path dir;

  @BeforeAll
  static void keys() throws Exception {
    AuthenticodeSignerTest.keys(); // its RSA key pair, another one, and the first's certificate
  }

  Path signed(String name) throws Exception {
    Path p = Files.write(dir.resolve(name), TinyPe.bytes());
    AuthenticodeSigner.sign(p, AuthenticodeSignerTest.rsa.getPrivate(), AuthenticodeSignerTest.cert);
    return p;
  }

  static String problem(Path image, X509Certificate trusted) throws Exception {
    Optional<String> p = AuthenticodeVerifier.check(image, trusted);
    assertTrue(p.isPresent(), image + " passed");
    return p.get();
  }

  @Test
  void aSignatureByTheTrustedCertificatesKeyPasses() throws Exception {
    assertEquals(Optional.empty(), AuthenticodeVerifier.check(signed("ok.efi"), AuthenticodeSignerTest.cert));
  }

  @Test
  void anUnsignedImageAnotherSignerAndAChangedImageAreNamed() throws Exception {
    Path unsigned = Files.write(dir.resolve("unsigned.efi"), TinyPe.bytes());
    assertEquals("not signed for Secure Boot (no certificate table)", problem(unsigned, AuthenticodeSignerTest.cert));

    X509Certificate other = AuthenticodeSignerTest.selfSigned(AuthenticodeSignerTest.otherRsa, "CN=someone-else");
    assertTrue(problem(signed("other.efi"), other).contains("is signed by CN=cosbuild-unit-test, which is not"
        + " CN=someone-else nor issued by it"));

    Path changed = signed("changed.efi");
    byte[] b = Files.readAllBytes(changed);
    b[0x200 + 5] ^= 1; // in .text
    Files.write(changed, b);
    assertTrue(problem(changed, AuthenticodeSignerTest.cert).contains("is not the one signed"));
  }

  @Test
  void aBrokenSignatureValueOrTableIsNamedNotThrown() throws Exception {
    Path p = signed("value.efi");
    byte[] b = Files.readAllBytes(p);
    PeImage.DataDirectory table = PeImage.parse("value", b).certificateTable();
    int derEnd = (int) table.address() + java.nio.ByteBuffer.wrap(b, (int) table.address(), 4)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
    b[derEnd - 1] ^= 1; // the RSA signature's last byte
    Files.write(p, b);
    assertTrue(problem(p, AuthenticodeSignerTest.cert).contains("RSA signature does not verify"));

    Path garbage = signed("garbage.efi");
    byte[] g = Files.readAllBytes(garbage);
    int at = (int) PeImage.parse("garbage", g).certificateTable().address();
    g[at + 8] = 0x05; // the DER's first tag
    Files.write(garbage, g);
    assertTrue(problem(garbage, AuthenticodeSignerTest.cert).contains("not a readable PKCS#7 SignedData"));
  }
}

package io.cosbuild.verity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** openssl is the judge of the root hash signature: it must verify ours, and we must verify its. */
class RootHashSignerIT {

  private static final String ROOT = "fb356fa601bb10a411755a73baff26421f49985beb87ff282c15ae7403fa84c6";

  /** A throwaway self-signed key and certificate made by openssl. */
  private static Path[] keyAndCert(Path dir, String keyType) throws Exception {
    Path key = dir.resolve("key.pem");
    Path cert = dir.resolve("cert.pem");
    List<String> newkey = keyType.equals("rsa") ? List.of("-newkey", "rsa:2048")
        : List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1");
    List<String> cmd = Tools.list("openssl", "req", "-x509", "-nodes", "-days", "2", "-subj", "/CN=cosbuild verity test");
    cmd.addAll(newkey);
    cmd.addAll(List.of("-keyout", key.toString(), "-out", cert.toString()));
    Tools.ok(cmd);
    return new Path[] {key, cert};
  }

  @ParameterizedTest
  @ValueSource(strings = {"rsa", "ec"})
  void opensslVerifiesOurSignature(String keyType, @TempDir Path dir) throws Exception {
    Path[] kc = keyAndCert(dir, keyType);
    PrivateKey key = RootHashSigner.readPrivateKey(kc[0]);
    X509Certificate cert = RootHashSigner.readCertificate(kc[1]);
    Path content = Files.writeString(dir.resolve("roothash.txt"), ROOT, StandardCharsets.US_ASCII);
    for (boolean withCert : new boolean[] {false, true}) {
      Path sig = Files.write(dir.resolve("roothash.p7s"), RootHashSigner.sign(ROOT.toUpperCase(), key, cert, withCert));
      Tools.ok(List.of("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", sig.toString(),
          "-content", content.toString(), "-certfile", kc[1].toString(), "-CAfile", kc[1].toString(),
          "-purpose", "any", "-out", dir.resolve("out").toString()));
      assertEquals(ROOT, Files.readString(dir.resolve("out")));
      // Over other content the same signature must fail.
      Path other = Files.writeString(dir.resolve("other.txt"), ROOT.replace('f', 'e'), StandardCharsets.US_ASCII);
      assertNotEquals(0, Tools.run("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", sig.toString(),
          "-content", other.toString(), "-certfile", kc[1].toString(), "-CAfile", kc[1].toString(),
          "-purpose", "any").exit());
      assertTrue(RootHashSigner.verify(ROOT, Files.readAllBytes(sig), cert));
      assertFalse(RootHashSigner.verify(ROOT.replace('f', 'e'), Files.readAllBytes(sig), cert));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"rsa", "ec"})
  void sameKeyAndRootHashGiveTheSameSignatureBytes(String keyType, @TempDir Path dir) throws Exception {
    Path[] kc = keyAndCert(dir, keyType);
    PrivateKey key = RootHashSigner.readPrivateKey(kc[0]);
    X509Certificate cert = RootHashSigner.readCertificate(kc[1]);
    byte[] first = RootHashSigner.sign(ROOT, key, cert);
    assertArrayEquals(first, RootHashSigner.sign(ROOT, RootHashSigner.readPrivateKey(kc[0]), cert));
    assertFalse(java.util.Arrays.equals(first, RootHashSigner.sign(ROOT.replace('f', 'e'), key, cert)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"rsa", "ec"})
  void weVerifyOpensslSignatureAndRefuseOtherKeys(String keyType, @TempDir Path dir) throws Exception {
    Path[] kc = keyAndCert(dir, keyType);
    Path content = Files.writeString(dir.resolve("roothash.txt"), ROOT, StandardCharsets.US_ASCII);
    Path sig = dir.resolve("sig.p7s");
    // What the kernel documentation and systemd tell users to run.
    Tools.ok(List.of("openssl", "smime", "-sign", "-nocerts", "-noattr", "-binary", "-in", content.toString(),
        "-inkey", kc[0].toString(), "-signer", kc[1].toString(), "-outform", "der", "-out", sig.toString()));
    X509Certificate cert = RootHashSigner.readCertificate(kc[1]);
    assertTrue(RootHashSigner.verify(ROOT, Files.readAllBytes(sig), cert));
    Path otherDir = Files.createDirectory(dir.resolve("other"));
    X509Certificate otherCert = RootHashSigner.readCertificate(keyAndCert(otherDir, keyType)[1]);
    assertFalse(RootHashSigner.verify(ROOT, Files.readAllBytes(sig), otherCert));
    assertFalse(RootHashSigner.verify(ROOT, new byte[] {0x30, 0x03, 1, 2, 3}, cert));
  }
}

package io.cosbuild.cli.build;

import io.cosbuild.cli.UsageException;
import io.cosbuild.spec.model.ImageProfile;
import io.cosbuild.verity.RootHashSigner;
import io.cosbuild.verity.VerityException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * The profile's signing keys with their certificates, read before anything is fetched or built, so that a wrong
 * path, an unreadable key or a key that is not its certificate's fails at once naming the profile field, instead of
 * after the whole build. Null where the profile has no such key. Immutable.
 */
record SigningKeys(PrivateKey rootHashKey, X509Certificate rootHashCertificate, PrivateKey secureBootKey,
    X509Certificate secureBootCertificate) {

  static SigningKeys load(ImageProfile p) throws UsageException {
    var v = p.verity();
    var d = p.disk();
    PrivateKey rootKey = read(v.signingKey(), "verity.signing-key", RootHashSigner::readPrivateKey);
    X509Certificate rootCert = read(v.signingCertificate(), "verity.signing-certificate", RootHashSigner::readCertificate);
    PrivateKey sbKey = read(d.secureBootKey(), "disk.secure-boot-key", RootHashSigner::readPrivateKey);
    X509Certificate sbCert = read(d.secureBootCertificate(), "disk.secure-boot-certificate",
        RootHashSigner::readCertificate);
    if (rootKey != null) {
      matches(rootKey, rootCert, "verity.signing-key", v.signingKey().get());
    }
    if (sbKey != null) {
      if (!"RSA".equals(sbKey.getAlgorithm())) {
        throw new UsageException("disk.secure-boot-key " + d.secureBootKey().get() + ": an " + sbKey.getAlgorithm()
            + " key; UEFI firmware verifies RSA signatures only: use an RSA key of 2048 bits or more");
      }
      matches(sbKey, sbCert, "disk.secure-boot-key", d.secureBootKey().get());
    }
    return new SigningKeys(rootKey, rootCert, sbKey, sbCert);
  }

  /** How a PEM file becomes a key or a certificate. */
  private interface PemReader<T> {
    T read(Path pem) throws IOException, VerityException;
  }

  private static <T> T read(Optional<Path> path, String field, PemReader<T> reader) throws UsageException {
    if (path.isEmpty()) {
      return null;
    }
    try {
      return reader.read(path.get());
    } catch (IOException | VerityException e) {
      throw new UsageException(field + " " + path.get() + ": " + reason(e), e);
    }
  }

  private static String reason(Exception e) {
    return e instanceof NoSuchFileException ? "no such file" : e.getMessage();
  }

  /** Signs a few bytes with {@code key} and checks them with the certificate's public key. */
  private static void matches(PrivateKey key, X509Certificate cert, String field, Path path) throws UsageException {
    String alg = "RSA".equals(key.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
    byte[] probe = "cosbuild signing key check".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(cert.getPublicKey());
      v.update(probe);
      if (v.verify(sig)) {
        return;
      }
    } catch (GeneralSecurityException e) {
      // a key and certificate of different kinds: reported below
    }
    throw new UsageException(field + " " + path + " is not the key of its certificate ("
        + cert.getSubjectX500Principal().getName() + ")");
  }
}

package io.cosbuild.verity;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.jcajce.io.OutputStreamFactory;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.RuntimeOperatorException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Signs a verity root hash the way the kernel ({@code root_hash_sig_key_desc}) and systemd (the
 * {@code roothash.p7s} file and the {@code *-verity-sig} partitions) check it: a detached PKCS#7 / CMS
 * SignedData over the root hash as lower-case hex ASCII, no newline, SHA-256, without signed
 * attributes and by default without certificates, like {@code openssl smime -sign -nocerts -noattr
 * -binary -outform der}. The signer is named by issuer and serial number, which is how the kernel
 * finds the key in its keyring. RSA and EC keys; the same key and
 * root hash always give the same bytes. Stateless and thread-safe; registers no provider.
 */
public final class RootHashSigner {

  /** Made on first use only: building the provider's algorithm table takes a noticeable moment. */
  private static final class BouncyCastle {
    static final Provider PROVIDER = new BouncyCastleProvider();
  }

  private RootHashSigner() {}

  /**
   * Reads an unencrypted private key from PEM: PKCS#8 ({@code PRIVATE KEY}), {@code RSA PRIVATE KEY} or
   * {@code EC PRIVATE KEY}.
   */
  public static PrivateKey readPrivateKey(Path pem) throws IOException, VerityException {
    Object o = readPem(pem);
    JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
    if (o instanceof PEMKeyPair kp) {
      return conv.getKeyPair(kp).getPrivate();
    } else if (o instanceof PrivateKeyInfo info) {
      return conv.getPrivateKey(info);
    }
    throw new VerityException(pem + " holds no unencrypted private key (found "
        + (o == null ? "nothing" : o.getClass().getSimpleName()) + "); decrypt it with 'openssl pkey -in KEY -out PLAIN'");
  }

  /** Reads an X.509 certificate from PEM. */
  public static X509Certificate readCertificate(Path pem) throws IOException, VerityException {
    Object o = readPem(pem);
    if (o instanceof X509CertificateHolder holder) {
      try {
        return new JcaX509CertificateConverter().getCertificate(holder);
      } catch (CertificateException e) {
        throw new VerityException(pem + " holds a certificate the JDK cannot read: " + e.getMessage(), e);
      }
    }
    throw new VerityException(pem + " holds no PEM certificate ('-----BEGIN CERTIFICATE-----')");
  }

  /** {@link #sign(String, PrivateKey, X509Certificate, boolean)} without embedding the certificate. */
  public static byte[] sign(String rootHashHex, PrivateKey key, X509Certificate cert) throws VerityException {
    return sign(rootHashHex, key, cert, false);
  }

  /**
   * The detached signature, DER-encoded.
   *
   * @param rootHashHex the root hash in hex (lower-cased before signing, as the kernel table carries it)
   * @param includeCertificate embed {@code cert} (systemd accepts both; the kernel ignores it)
   */
  public static byte[] sign(String rootHashHex, PrivateKey key, X509Certificate cert, boolean includeCertificate)
      throws VerityException {
    return signDetached(content(rootHashHex), key, cert, includeCertificate, "root hash " + rootHashHex);
  }

  /**
   * A detached signature over any bytes (a manifest, say), made as {@link #sign} makes the root hash's: DER, no
   * signed attributes, deterministic for RSA and EC keys, without the certificate.
   */
  public static byte[] signDetached(byte[] content, PrivateKey key, X509Certificate cert) throws VerityException {
    return signDetached(content, key, cert, false, content.length + " bytes");
  }

  private static byte[] signDetached(byte[] content, PrivateKey key, X509Certificate cert, boolean includeCertificate,
      String what) throws VerityException {
    try {
      CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
      gen.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
          .setDirectSignature(true)
          .build(contentSigner(key), cert));
      if (includeCertificate) {
        gen.addCertificates(new JcaCertStore(List.of(cert)));
      }
      return gen.generate(new CMSProcessableByteArray(content), false).getEncoded(ASN1Encoding.DER);
    } catch (OperatorCreationException | CMSException | CertificateEncodingException | IOException e) {
      throw new VerityException("cannot sign " + what + ": " + e.getMessage(), e);
    }
  }

  /**
   * Whether {@code signature} is a valid detached signature by {@code cert}'s key over {@code rootHashHex}.
   * A signature that does not parse, names another signer or does not match gives false.
   */
  public static boolean verify(String rootHashHex, byte[] signature, X509Certificate cert) {
    try {
      return verifyDetached(content(rootHashHex), signature, cert);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Whether {@code signature} is a valid detached signature by {@code cert}'s key over {@code content}. */
  public static boolean verifyDetached(byte[] content, byte[] signature, X509Certificate cert) {
    try {
      CMSSignedData signed = new CMSSignedData(new CMSProcessableByteArray(content), signature);
      X509CertificateHolder holder = new X509CertificateHolder(cert.getEncoded());
      for (SignerInformation si : signed.getSignerInfos().getSigners()) {
        if (si.getSID().match(holder) && si.verify(new JcaSimpleSignerInfoVerifierBuilder().build(cert))) {
          return true;
        }
      }
      return false;
    } catch (CMSException | OperatorCreationException | CertificateException | IOException
        | IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The JSON object of a systemd {@code *-verity-sig} partition (Discoverable Partitions
   * Specification): {@code {"rootHash":...,"certificateFingerprint":...,"signature":...}}; the
   * fingerprint is the SHA-256 of the DER certificate, the signature base64 of {@link #sign}'s bytes.
   */
  public static String signaturePartitionJson(String rootHashHex, byte[] signature, X509Certificate cert)
      throws VerityException {
    try {
      String fingerprint = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
      return "{\"rootHash\":\"" + new String(content(rootHashHex), StandardCharsets.US_ASCII)
          + "\",\"certificateFingerprint\":\"" + fingerprint
          + "\",\"signature\":\"" + Base64.getEncoder().encodeToString(signature) + "\"}";
    } catch (CertificateEncodingException | java.security.NoSuchAlgorithmException e) {
      throw new VerityException("cannot encode the signing certificate: " + e.getMessage(), e);
    }
  }

  private static byte[] content(String rootHashHex) {
    String hex = rootHashHex.strip().toLowerCase(Locale.ROOT);
    HexFormat.of().parseHex(hex); // refuses non-hex with IllegalArgumentException
    if (hex.isEmpty()) {
      throw new IllegalArgumentException("empty root hash");
    }
    return hex.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * PKCS#1 v1.5 for RSA, which is deterministic. For EC keys, deterministic ECDSA (RFC 6979, from a
   * Bouncy Castle provider instance, not registered): the same key and root hash give the same
   * signature bytes, so signed builds stay reproducible; verifiers see ordinary ECDSA.
   */
  private static ContentSigner contentSigner(PrivateKey key) throws VerityException, OperatorCreationException {
    return switch (key.getAlgorithm()) {
      case "RSA" -> new JcaContentSignerBuilder("SHA256withRSA").build(key);
      case "EC", "ECDSA" -> deterministicEcdsa(key);
      default -> throw new VerityException("cannot sign with a " + key.getAlgorithm()
          + " key: the kernel checks RSA and ECDSA signatures; use an RSA or EC key");
    };
  }

  /** ecdsa-with-SHA256 as CMS names it, signed with RFC 6979 nonces. */
  private static ContentSigner deterministicEcdsa(PrivateKey key) throws OperatorCreationException {
    Signature signature;
    try {
      signature = Signature.getInstance("SHA256withECDDSA", BouncyCastle.PROVIDER);
      signature.initSign(key);
    } catch (GeneralSecurityException e) {
      throw new OperatorCreationException("cannot sign with the EC key: " + e.getMessage(), e);
    }
    return new ContentSigner() {
      @Override
      public AlgorithmIdentifier getAlgorithmIdentifier() {
        return new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
      }

      @Override
      public OutputStream getOutputStream() {
        return OutputStreamFactory.createStream(signature);
      }

      @Override
      public byte[] getSignature() {
        try {
          return signature.sign();
        } catch (SignatureException e) {
          throw new RuntimeOperatorException("EC signing failed: " + e.getMessage(), e);
        }
      }
    };
  }

  private static Object readPem(Path pem) throws IOException {
    try (Reader r = Files.newBufferedReader(pem, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
      return p.readObject();
    }
  }
}

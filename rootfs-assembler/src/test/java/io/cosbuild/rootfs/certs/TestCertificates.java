package io.cosbuild.rootfs.certs;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V1TBSCertificateGenerator;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * Certificates with chosen subjects for the hash tests: well-formed X.509 that OpenSSL parses; the signature is
 * not a real one (neither the subject hash nor rehash checks it).
 */
public final class TestCertificates {

  private TestCertificates() {}

  /** DER of a certificate of {@code subject}, issued by itself, with a fresh key and the given serial. */
  public static byte[] der(X500Name subject, long serial) throws Exception {
    V1TBSCertificateGenerator g = new V1TBSCertificateGenerator();
    AlgorithmIdentifier alg = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
    g.setSerialNumber(new ASN1Integer(BigInteger.valueOf(serial)));
    g.setSignature(alg);
    g.setIssuer(subject);
    g.setSubject(subject);
    g.setStartDate(new Time(new Date(1_700_000_000_000L)));
    g.setEndDate(new Time(new Date(2_000_000_000_000L)));
    g.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(key()));
    TBSCertificate tbs = g.generateTBSCertificate();
    return new DERSequence(new ASN1Encodable[] {tbs, alg, new DERBitString(new byte[72])}).getEncoded();
  }

  public static String pem(byte[] der) {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END CERTIFICATE-----\n";
  }

  private static byte[] key() throws NoSuchAlgorithmException, java.security.InvalidAlgorithmParameterException {
    KeyPairGenerator k = KeyPairGenerator.getInstance("EC");
    k.initialize(new ECGenParameterSpec("secp256r1"));
    return k.generateKeyPair().getPublic().getEncoded();
  }
}

package io.cosbuild.rootfs.efi;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * Checks an Authenticode signature as UEFI firmware with one certificate in its db would: the image's digest (as
 * {@link AuthenticodeSigner#digest} computes it, the one EDK2 computes) is the one signed, the signed attributes'
 * message digest is that of the signed content, and the RSA signature over the attributes verifies with the
 * signer's certificate, which is the trusted certificate or one it issued. SHA-256 signatures only, as cosbuild and
 * sbsign make them. Stateless and thread-safe.
 */
public final class AuthenticodeVerifier {

  private static final ASN1ObjectIdentifier SIGNED_DATA = new ASN1ObjectIdentifier("1.2.840.113549.1.7.2");
  private static final ASN1ObjectIdentifier SPC_INDIRECT_DATA = new ASN1ObjectIdentifier("1.3.6.1.4.1.311.2.1.4");
  private static final ASN1ObjectIdentifier SHA256 = new ASN1ObjectIdentifier("2.16.840.1.101.3.4.2.1");
  private static final ASN1ObjectIdentifier MESSAGE_DIGEST = new ASN1ObjectIdentifier("1.2.840.113549.1.9.4");
  private static final int MAX_SIGNATURE = 1 << 20;

  private AuthenticodeVerifier() {}

  /** Empty when {@code image} is signed with {@code trusted}'s key (or by a certificate it issued); else why not. */
  public static Optional<String> check(Path image, X509Certificate trusted) throws IOException {
    byte[] der;
    byte[] digest;
    try {
      der = signature(image);
      if (der == null) {
        return Optional.of("not signed for Secure Boot (no certificate table)");
      }
      digest = AuthenticodeSigner.digest(image);
    } catch (EfiImageException e) {
      return Optional.of(e.getMessage());
    }
    try {
      return check(der, digest, trusted);
    } catch (IOException | IllegalArgumentException | IllegalStateException | ClassCastException
        | IndexOutOfBoundsException e) {
      // Parsing in memory: an IOException here is Bouncy Castle's for malformed DER.
      return Optional.of("its signature is not a readable PKCS#7 SignedData: " + e.getMessage());
    }
  }

  /** The PKCS#7 in the image's WIN_CERTIFICATE, or null when there is no certificate table. */
  private static byte[] signature(Path image) throws IOException, EfiImageException {
    try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
      PeImage pe = AuthenticodeSigner.headers(image.toString(), ch);
      PeImage.DataDirectory table = pe.certificateTable();
      if (!table.isPresent()) {
        return null;
      }
      if (table.size() < 8 || table.size() > MAX_SIGNATURE || table.address() + table.size() > ch.size()) {
        throw new EfiImageException("its certificate table (" + PeImage.hex(table.address()) + ", " + table.size()
            + " bytes) does not lie in the file");
      }
      ByteBuffer win = ByteBuffer.allocate((int) table.size()).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(win, table.address());
      long length = Integer.toUnsignedLong(win.getInt(0));
      int revision = Short.toUnsignedInt(win.getShort(4));
      int type = Short.toUnsignedInt(win.getShort(6));
      if (length < 8 || length > table.size() || revision != 0x0200 || type != 2) {
        throw new EfiImageException("its WIN_CERTIFICATE (length " + length + ", revision " + PeImage.hex(revision)
            + ", type " + type + ") is not one PKCS#7 SignedData");
      }
      return Arrays.copyOfRange(win.array(), 8, (int) length);
    }
  }

  private static Optional<String> check(byte[] der, byte[] imageDigest, X509Certificate trusted) throws IOException {
    ASN1Sequence contentInfo = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(der));
    if (!SIGNED_DATA.equals(contentInfo.getObjectAt(0))) {
      return Optional.of("its signature is not PKCS#7 SignedData");
    }
    ASN1Sequence signedData = ASN1Sequence.getInstance(ASN1TaggedObject.getInstance(contentInfo.getObjectAt(1)).getExplicitBaseObject());
    ASN1Sequence content = ASN1Sequence.getInstance(signedData.getObjectAt(2));
    if (!SPC_INDIRECT_DATA.equals(content.getObjectAt(0))) {
      return Optional.of("its signature's content is not an Authenticode SpcIndirectDataContent");
    }
    ASN1Sequence spc = ASN1Sequence.getInstance(ASN1TaggedObject.getInstance(content.getObjectAt(1)).getExplicitBaseObject());
    ASN1Sequence digestInfo = ASN1Sequence.getInstance(spc.getObjectAt(1));
    ASN1ObjectIdentifier alg = ASN1ObjectIdentifier.getInstance(ASN1Sequence.getInstance(digestInfo.getObjectAt(0)).getObjectAt(0));
    if (!SHA256.equals(alg)) {
      return Optional.of("its signature hashes the image with " + alg + ", not SHA-256");
    }
    byte[] signedDigest = ASN1OctetString.getInstance(digestInfo.getObjectAt(1)).getOctets();
    if (!MessageDigest.isEqual(signedDigest, imageDigest)) {
      return Optional.of("its Authenticode digest " + hex(imageDigest) + " is not the one signed (" + hex(signedDigest)
          + "): the image changed after it was signed");
    }
    X509Certificate[] certificates = new X509Certificate[0];
    ASN1Set signerInfos = null;
    for (int i = 3; i < signedData.size(); i++) {
      ASN1Encodable e = signedData.getObjectAt(i);
      if (e instanceof ASN1TaggedObject t && t.getTagNo() == 0) {
        certificates = certificates(ASN1Set.getInstance(t, false));
      } else if (e instanceof ASN1Set s) {
        signerInfos = s;
      }
    }
    if (signerInfos == null || signerInfos.size() != 1) {
      return Optional.of("its signature has " + (signerInfos == null ? 0 : signerInfos.size()) + " signers, not one");
    }
    ASN1Sequence signer = ASN1Sequence.getInstance(signerInfos.getObjectAt(0));
    ASN1Sequence issuerAndSerial = ASN1Sequence.getInstance(signer.getObjectAt(1));
    X500Name issuer = X500Name.getInstance(issuerAndSerial.getObjectAt(0));
    java.math.BigInteger serial = ASN1Integer.getInstance(issuerAndSerial.getObjectAt(1)).getValue();
    X509Certificate signerCert = null;
    for (X509Certificate c : certificates) {
      if (c.getSerialNumber().equals(serial) && X500Name.getInstance(c.getIssuerX500Principal().getEncoded()).equals(issuer)) {
        signerCert = c;
      }
    }
    if (signerCert == null) {
      return Optional.of("its signature does not carry the signer's certificate");
    }
    ASN1TaggedObject attributesTagged = ASN1TaggedObject.getInstance(signer.getObjectAt(3));
    ASN1Set attributes = ASN1Set.getInstance(attributesTagged, false);
    byte[] wanted = AuthenticodeSigner.sha256().digest(AuthenticodeSigner.contents(spc));
    boolean digestAttribute = false;
    for (ASN1Encodable a : attributes) {
      ASN1Sequence attribute = ASN1Sequence.getInstance(a);
      if (MESSAGE_DIGEST.equals(attribute.getObjectAt(0))) {
        byte[] got = ASN1OctetString.getInstance(ASN1Set.getInstance(attribute.getObjectAt(1)).getObjectAt(0)).getOctets();
        digestAttribute = MessageDigest.isEqual(got, wanted);
      }
    }
    if (!digestAttribute) {
      return Optional.of("its signed attributes do not hold the digest of the signed content");
    }
    // What was signed: the attributes' DER with the SET tag in place of the [0] IMPLICIT one.
    byte[] signedBytes = attributesTagged.getEncoded(ASN1Encoding.DER);
    signedBytes[0] = 0x31;
    byte[] value = ASN1OctetString.getInstance(signer.getObjectAt(5)).getOctets();
    try {
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initVerify(signerCert.getPublicKey());
      s.update(signedBytes);
      if (!s.verify(value)) {
        return Optional.of("its RSA signature does not verify with the certificate it carries ("
            + signerCert.getSubjectX500Principal().getName() + ")");
      }
      if (!signerCert.equals(trusted)) {
        try {
          signerCert.verify(trusted.getPublicKey());
        } catch (GeneralSecurityException e) {
          return Optional.of("it is signed by " + signerCert.getSubjectX500Principal().getName() + ", which is not "
              + trusted.getSubjectX500Principal().getName() + " nor issued by it");
        }
      }
    } catch (GeneralSecurityException e) {
      return Optional.of("its signature cannot be checked: " + e.getMessage());
    }
    return Optional.empty();
  }

  private static X509Certificate[] certificates(ASN1Set set) throws IOException {
    try {
      CertificateFactory f = CertificateFactory.getInstance("X.509");
      X509Certificate[] out = new X509Certificate[set.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = (X509Certificate) f.generateCertificate(new ByteArrayInputStream(
            set.getObjectAt(i).toASN1Primitive().getEncoded(ASN1Encoding.DER)));
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("a certificate in it cannot be read: " + e.getMessage(), e);
    }
  }

  private static String hex(byte[] b) {
    return java.util.HexFormat.of().formatHex(b);
  }
}

package io.cosbuild.rootfs.efi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Date;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V1TBSCertificateGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The digest's coverage, the WIN_CERTIFICATE and headers written, and the refusals, on {@link TinyPe};
 * {@code AuthenticodeSignerIT} has the real stub and sbverify, sbsign and osslsigncode as judges.
 */
class AuthenticodeSignerTest {

  static KeyPair rsa;
  static X509Certificate cert;
  static KeyPair otherRsa;

  @TempDir Path dir;

  @BeforeAll
  static void keys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    rsa = g.generateKeyPair();
    otherRsa = g.generateKeyPair();
    cert = selfSigned(rsa, "CN=cosbuild-unit-test");
  }

  /** A self-signed X.509 v1 certificate of {@code key}, properly signed, made with Bouncy Castle's ASN.1 only. */
  static X509Certificate selfSigned(KeyPair key, String name) throws Exception {
    AlgorithmIdentifier alg = new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption, DERNull.INSTANCE);
    V1TBSCertificateGenerator g = new V1TBSCertificateGenerator();
    g.setSerialNumber(new ASN1Integer(BigInteger.valueOf(0x1234_5678_9abcL)));
    g.setSignature(alg);
    g.setIssuer(new X500Name(name));
    g.setSubject(new X500Name(name));
    g.setStartDate(new Time(new Date(1_700_000_000_000L)));
    g.setEndDate(new Time(new Date(2_000_000_000_000L)));
    g.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded()));
    TBSCertificate tbs = g.generateTBSCertificate();
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initSign(key.getPrivate());
    s.update(tbs.getEncoded());
    byte[] der = new DERSequence(new ASN1Encodable[] {tbs, alg, new DERBitString(s.sign())}).getEncoded();
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(der));
  }

  Path image(String name, byte[] b) throws IOException {
    return Files.write(dir.resolve(name), b);
  }

  @Test
  void theDigestCoversTheSectionsButNotTheCheckSumOrTheCertificateTableEntry() throws Exception {
    byte[] base = AuthenticodeSigner.digest(image("tiny.efi", TinyPe.bytes()));
    byte[] section = TinyPe.bytes();
    section[0x2ff] ^= 1; // the last byte of .text's raw data
    assertFalse(Arrays.equals(base, AuthenticodeSigner.digest(image("section.efi", section))));
    byte[] header = TinyPe.bytes();
    header[TinyPe.OPT + 68] ^= 1; // Subsystem
    assertFalse(Arrays.equals(base, AuthenticodeSigner.digest(image("header.efi", header))));
    byte[] checkSum = TinyPe.bytes();
    PeImageTest.le(checkSum).putInt(TinyPe.OPT + 64, 0x1234_5678);
    assertArrayEquals(base, AuthenticodeSigner.digest(image("checksum.efi", checkSum)));
  }

  @Test
  void theDigestIsTheHeadersThenTheSectionsThenTheRestFromTheSumOfTheirSizes() throws Exception {
    // After .text (0x200..0x400): 0x200 bytes that no section holds, as a COFF symbol table.
    byte[] b = Arrays.copyOf(TinyPe.bytes(), 0x600);
    Arrays.fill(b, 0x400, 0x600, (byte) 0x77);
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update(b, 0, TinyPe.OPT + 64);
    md.update(b, TinyPe.OPT + 68, TinyPe.CERTIFICATE_DIRECTORY - TinyPe.OPT - 68);
    md.update(b, TinyPe.CERTIFICATE_DIRECTORY + 8, 0x200 - TinyPe.CERTIFICATE_DIRECTORY - 8);
    md.update(b, 0x200, 0x200);
    md.update(b, 0x400, 0x200);
    assertArrayEquals(md.digest(), AuthenticodeSigner.digest(image("trailing.efi", b)));
  }

  @Test
  void signsWithAWinCertificateAtTheEndTheCertificateTablePointsTo() throws Exception {
    Path p = image("tiny.efi", TinyPe.bytes());
    byte[] unsignedDigest = AuthenticodeSigner.digest(p);
    AuthenticodeSigner.sign(p, rsa.getPrivate(), cert);
    byte[] signed = Files.readAllBytes(p);
    ByteBuffer le = PeImageTest.le(signed);
    PeImage pe = PeImage.parse("signed", signed);
    int derLength = le.getInt(TinyPe.LENGTH) - 8;
    long padded = (8 + derLength + 7) / 8 * 8;
    assertEquals(new PeImage.DataDirectory(TinyPe.LENGTH, padded), pe.certificateTable());
    assertEquals(TinyPe.LENGTH + padded, signed.length);
    assertEquals(0x0200, le.getShort(TinyPe.LENGTH + 4), "wRevision WIN_CERT_REVISION_2_0");
    assertEquals(0x0002, le.getShort(TinyPe.LENGTH + 6), "wCertificateType WIN_CERT_TYPE_PKCS_SIGNED_DATA");
    byte[] der = Arrays.copyOfRange(signed, TinyPe.LENGTH + 8, TinyPe.LENGTH + 8 + derLength);
    assertEquals(derLength, ASN1Sequence.getInstance(der).getEncoded().length, "the DER fills dwLength - 8 bytes");
    assertTrue(Arrays.equals(new byte[(int) (padded - 8 - derLength)],
        Arrays.copyOfRange(signed, TinyPe.LENGTH + 8 + derLength, signed.length)), "zero padding");
    assertArrayEquals(Arrays.copyOfRange(TinyPe.bytes(), 0x200, TinyPe.LENGTH),
        Arrays.copyOfRange(signed, 0x200, TinyPe.LENGTH), "the sections are as they were");
    le.putInt(pe.checkSumOffset(), 0);
    assertEquals(PeChecksumTest.sum(signed), pe.checkSum());
    assertArrayEquals(unsignedDigest, AuthenticodeSigner.digest(p), "the signature is left out of the digest");
  }

  @Test
  void theSameInputsGiveTheSameBytes() throws Exception {
    Path a = image("a.efi", TinyPe.bytes());
    Path b = image("b.efi", TinyPe.bytes());
    AuthenticodeSigner.sign(a, rsa.getPrivate(), cert);
    AuthenticodeSigner.sign(b, rsa.getPrivate(), cert);
    assertEquals(-1L, Files.mismatch(a, b));
  }

  @Test
  void refusesASignedImageAndALengthThatIsNoMultipleOf8() throws Exception {
    Path p = image("tiny.efi", TinyPe.bytes());
    AuthenticodeSigner.sign(p, rsa.getPrivate(), cert);
    assertRefused(Files.readAllBytes(p), rsa.getPrivate(), "already signed (certificate table at 0x400");
    assertRefused(Arrays.copyOf(TinyPe.bytes(), TinyPe.LENGTH + 4), rsa.getPrivate(),
        "its length 1028 is not a multiple of 8");
  }

  @Test
  void refusesFewerThanFiveDataDirectories() throws Exception {
    byte[] b = TinyPe.bytes();
    PeImageTest.le(b).putInt(TinyPe.OPT + 108, 4);
    assertRefused(b, rsa.getPrivate(), "only 4 data directories");
  }

  @Test
  void refusesAnEcKeyAndAKeyThatIsNotTheCertificates() throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(256);
    assertRefused(TinyPe.bytes(), ec.generateKeyPair().getPrivate(),
        "the key is EC, not RSA; UEFI firmware verifies RSA");
    assertRefused(TinyPe.bytes(), otherRsa.getPrivate(),
        "the private key does not match the public key of the certificate 'CN=cosbuild-unit-test'");
  }

  @Test
  void aWriteThatFailsLeavesTheImageAsItWas() throws Exception {
    for (int failAt = 1; failAt <= 4; failAt++) {
      Path p = image("tiny.efi", TinyPe.bytes());
      int fail = failAt;
      IOException e = assertThrows(IOException.class, () -> {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
          AuthenticodeSigner.sign("tiny.efi", failingWrite(ch, fail), rsa.getPrivate(), cert);
        }
      });
      assertEquals("write " + fail + " failed", e.getMessage());
      assertArrayEquals(TinyPe.bytes(), Files.readAllBytes(p), "write " + fail + " failed");
    }
  }

  private void assertRefused(byte[] b, PrivateKey key, String part) throws Exception {
    Path p = image("refused.efi", b);
    EfiImageException e = assertThrows(EfiImageException.class, () -> AuthenticodeSigner.sign(p, key, cert));
    assertTrue(e.getMessage().contains(part), e.getMessage());
    assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
    assertArrayEquals(b, Files.readAllBytes(p), "the image is left as it was");
  }

  /** {@code ch}, but its {@code n}th write fails after writing one byte (the worst case); later ones work. */
  private static SeekableByteChannel failingWrite(FileChannel ch, int n) {
    int[] writes = {0};
    InvocationHandler h = (proxy, method, args) -> {
      if (method.getName().equals("write") && ++writes[0] == n) {
        ch.write(((ByteBuffer) args[0]).slice().limit(1));
        throw new IOException("write " + n + " failed");
      }
      try {
        return method.invoke(ch, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return (SeekableByteChannel) Proxy.newProxyInstance(AuthenticodeSignerTest.class.getClassLoader(),
        new Class<?>[] {SeekableByteChannel.class}, h);
  }
}

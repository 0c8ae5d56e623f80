package io.cosbuild.rootfs.efi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.rootfs.testutil.FsJudges;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A UKI made from Debian bookworm's real stub, signed, and judged by the reference tools: sbsigntool's sbverify
 * (which hashes the image as EDK2 does), sbsign's own signature of the same image, and osslsigncode. The key and
 * certificate are made by the openssl CLI; no expected value comes from {@link AuthenticodeSigner}.
 *
 * <p>The real stub carries a COFF symbol table at its end, which {@link UkiBuilder} drops (as ukify does), so the
 * UKI's sections lie end to end and every tool hashes the same bytes: osslsigncode 2.9 too, which also hashes what
 * lies between sections (EDK2 and sbsign do not).
 */
class AuthenticodeSignerIT {

  static final String SNAKEOIL = "/usr/share/ovmf/PkKek-1-snakeoil";
  static final String CONTENT_TYPE = "1.2.840.113549.1.9.3";
  static final String MESSAGE_DIGEST = "1.2.840.113549.1.9.4";
  static final String SPC_SP_OPUS_INFO = "1.3.6.1.4.1.311.2.1.12";

  @TempDir static Path dir;
  static Path unsigned;
  static Path signed;
  static Path keyPem;
  static Path certPem;
  static String unavailable;

  @BeforeAll
  static void signAUkiOfTheRealStub() throws Exception {
    UkiBuilderIT.RealStub stub = UkiBuilderIT.realStub(dir, "AuthenticodeSignerIT");
    unavailable = stub.unavailable();
    if (unavailable != null) {
      return;
    }
    Path linux = UkiBuilderIT.random(dir.resolve("linux"), 6 << 20, 3);
    Path initrd = UkiBuilderIT.random(dir.resolve("initrd"), (1 << 20) + 4321, 4);
    List<UkiSection> sections = List.of(UkiSection.text(".osrel", UkiBuilderIT.OSREL),
        UkiSection.text(".cmdline", UkiBuilderIT.CMDLINE), UkiSection.file(".linux", linux),
        UkiSection.file(".initrd", initrd));
    unsigned = dir.resolve("unsigned.efi");
    UkiBuilder.writeFile(stub.path(), sections, unsigned);
    keyPem = dir.resolve("key.pem");
    certPem = dir.resolve("cert.pem");
    judge(0, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650", "-subj", "/CN=cosbuild-test",
        "-keyout", keyPem.toString(), "-out", certPem.toString());
    signed = Files.copy(unsigned, dir.resolve("signed.efi"));
    AuthenticodeSigner.sign(signed, privateKey(keyPem), certificate(certPem));
  }

  @BeforeEach
  void requireTheStub() {
    Assumptions.assumeTrue(unavailable == null, unavailable);
  }

  @Test
  void sbverifyAcceptsTheSignature() throws Exception {
    String out = judge(0, "sbverify", "--cert", certPem.toString(), signed.toString());
    assertTrue(out.contains("Signature verification OK"), out);
  }

  @Test
  void osslsigncodeVerifiesTheSignatureAndCalculatesTheDigestWeSigned() throws Exception {
    String out = judge(0, "osslsigncode", "verify", "-in", signed.toString(), "-CAfile", certPem.toString());
    String current = field(out, "Current message digest");
    assertEquals(current, field(out, "Calculated message digest"), out);
    assertEquals(hex(AuthenticodeSigner.digest(unsigned)), current, out);
    assertTrue(out.contains("\nSignature verification: ok\n"), out);
    assertTrue(out.contains("\nNumber of verified signatures: 1\n"), out);
    assertTrue(out.contains("\nSucceeded\n"), out);
    long[] checkSums = UkiBuilderIT.osslsigncodeChecksums(signed);
    assertEquals(checkSums[1], checkSums[0], "the CheckSum field is the checksum osslsigncode calculates");
  }

  /**
   * sbsign's signature of the same image is ours but for the authenticated attributes it adds (SMIMECapabilities,
   * where we have osslsigncode's and signtool's empty SpcSpOpusInfo) and so the signature value: the same
   * SpcIndirectDataContent byte for byte (with the digest sbsign computed, which is what {@link
   * AuthenticodeSigner#digest} gives), the same certificate, signer and algorithms, and the same contentType and
   * messageDigest. sbsign puts its WIN_CERTIFICATE where we put ours, and changes the image nowhere else.
   */
  @Test
  void sbsignsSignatureOfTheSameImageHasOurContentSignerAndDigest() throws Exception {
    Path bySbsign = dir.resolve("sbsign.efi");
    judge(0, "sbsign", "--key", keyPem.toString(), "--cert", certPem.toString(), "--output", bySbsign.toString(),
        unsigned.toString());
    ASN1Sequence theirs = signedData(bySbsign);
    ASN1Sequence ours = signedData(signed);
    assertEquals(5, ours.size(), "version, digestAlgorithms, contentInfo, certificates, signerInfos");
    assertEquals(theirs.size(), ours.size());
    for (int i = 0; i < 4; i++) {
      assertArrayEquals(der(theirs.getObjectAt(i)), der(ours.getObjectAt(i)), "SignedData field " + i);
    }
    ASN1Sequence spcIndirectData = ASN1Sequence.getInstance(ASN1TaggedObject.getInstance(
        ASN1Sequence.getInstance(theirs.getObjectAt(2)).getObjectAt(1)).getExplicitBaseObject());
    byte[] theirDigest = ASN1OctetString.getInstance(ASN1Sequence.getInstance(spcIndirectData.getObjectAt(1))
        .getObjectAt(1)).getOctets();
    assertArrayEquals(theirDigest, AuthenticodeSigner.digest(unsigned), "the digest sbsign signed");
    ASN1Sequence theirSigner = signerInfo(theirs);
    ASN1Sequence ourSigner = signerInfo(ours);
    assertEquals(theirSigner.size(), ourSigner.size());
    for (int i : new int[] {0, 1, 2, 4}) {
      assertArrayEquals(der(theirSigner.getObjectAt(i)), der(ourSigner.getObjectAt(i)), "SignerInfo field " + i);
    }
    Map<String, String> theirAttributes = attributes(theirSigner);
    Map<String, String> ourAttributes = attributes(ourSigner);
    assertEquals(Set.of(CONTENT_TYPE, MESSAGE_DIGEST, SPC_SP_OPUS_INFO), ourAttributes.keySet());
    assertEquals("31023000", ourAttributes.get(SPC_SP_OPUS_INFO), "SpcSpOpusInfo: a SET of one empty SEQUENCE");
    for (String shared : List.of(CONTENT_TYPE, MESSAGE_DIGEST)) {
      assertEquals(theirAttributes.get(shared), ourAttributes.get(shared), shared);
    }

    byte[] a = Files.readAllBytes(bySbsign);
    byte[] b = Files.readAllBytes(signed);
    PeImage.DataDirectory theirTable = PeImage.parse("sbsign", a).certificateTable();
    PeImage.DataDirectory ourTable = PeImage.parse("ours", b).certificateTable();
    assertEquals(Files.size(unsigned), theirTable.address());
    assertEquals(theirTable.address(), ourTable.address());
    assertEquals(a.length, theirTable.address() + theirTable.size(), "sbsign's table ends the file");
    int checkSum = PeImage.parse("ours", b).checkSumOffset();
    int tableSize = checkSum + 48 + 8 * 4 + 4; // in the optional header: CheckSum at 64, data directories at 112
    for (byte[] file : List.of(a, b)) {
      Arrays.fill(file, checkSum, checkSum + 4, (byte) 0);
      Arrays.fill(file, tableSize, tableSize + 4, (byte) 0);
    }
    int end = (int) ourTable.address();
    assertArrayEquals(Arrays.copyOf(a, end), Arrays.copyOf(b, end), "the images but for CheckSum and table size");
  }

  /** cosbuild verify's check agrees with sbverify: it accepts our signature and sbsign's of the same image. */
  @Test
  void ourVerifierAcceptsWhatSbverifyAccepts() throws Exception {
    Path bySbsign = dir.resolve("sbsign-for-verifier.efi");
    judge(0, "sbsign", "--key", keyPem.toString(), "--cert", certPem.toString(), "--output", bySbsign.toString(),
        unsigned.toString());
    judge(0, "sbverify", "--cert", certPem.toString(), bySbsign.toString());
    X509Certificate trusted = certificate(certPem);
    assertEquals(java.util.Optional.empty(), AuthenticodeVerifier.check(signed, trusted));
    assertEquals(java.util.Optional.empty(), AuthenticodeVerifier.check(bySbsign, trusted));
  }

  @Test
  void aByteChangedInLinuxFailsSbverify() throws Exception {
    UkiBuilderIT.Listed linux = UkiBuilderIT.objdumpH(signed).stream().filter(s -> s.name().equals(".linux"))
        .findFirst().orElseThrow();
    byte[] b = Files.readAllBytes(signed);
    b[(int) (linux.fileOffset() + linux.size() / 2)] ^= 1;
    Path broken = Files.write(dir.resolve("broken.efi"), b);
    String out = judge(1, "sbverify", "--cert", certPem.toString(), broken.toString());
    assertTrue(out.contains("Image fails hash check") && out.contains("Signature verification failed"), out);
    String ours = AuthenticodeVerifier.check(broken, certificate(certPem)).orElseThrow();
    assertTrue(ours.contains("is not the one signed"), ours);
  }

  @Test
  void sbverifyAcceptsASignatureWithDebiansOvmfSnakeoilKey() throws Exception {
    Path key = dir.resolve("snakeoil-key.pem");
    judge(0, "openssl", "rsa", "-passin", "pass:snakeoil", "-in", SNAKEOIL + ".key", "-out", key.toString());
    Path p = Files.copy(unsigned, dir.resolve("snakeoil.efi"));
    AuthenticodeSigner.sign(p, privateKey(key), certificate(Path.of(SNAKEOIL + ".pem")));
    String out = judge(0, "sbverify", "--cert", SNAKEOIL + ".pem", p.toString());
    assertTrue(out.contains("Signature verification OK"), out);
    String other = judge(1, "sbverify", "--cert", certPem.toString(), p.toString());
    assertTrue(other.contains("Signature verification failed"), "not with another certificate: " + other);
    assertEquals(java.util.Optional.empty(), AuthenticodeVerifier.check(p, certificate(Path.of(SNAKEOIL + ".pem"))));
    assertTrue(AuthenticodeVerifier.check(p, certificate(certPem)).orElseThrow().contains("nor issued by it"));
  }

  // ---- helpers ------------------------------------------------------------------------------------------------

  /** Runs a reference tool, asserting its exit code; its output. A tool missing is a failure, not a skip. */
  static String judge(int code, String... cmd) throws Exception {
    FsJudges.Out r = FsJudges.run(cmd);
    assertEquals(code, r.code(), String.join(" ", cmd) + ":\n" + r.text());
    return r.text();
  }

  static PrivateKey privateKey(Path pem) throws Exception {
    Path der = Files.createTempFile(dir, "key", ".der");
    judge(0, "openssl", "pkcs8", "-topk8", "-nocrypt", "-in", pem.toString(), "-outform", "DER", "-out",
        der.toString());
    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(der)));
  }

  static X509Certificate certificate(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  /** A line "name : HEX" of osslsigncode's output. */
  static String field(String out, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + "\\s*: ([0-9A-F]+)\\s*$").matcher(out);
    assertTrue(m.find(), name + " in:\n" + out);
    return m.group(1);
  }

  /** The SignedData in the WIN_CERTIFICATE the certificate table of {@code file} points to. */
  static ASN1Sequence signedData(Path file) throws Exception {
    byte[] b = Files.readAllBytes(file);
    PeImage.DataDirectory table = PeImage.parse(file.toString(), b).certificateTable();
    int length = PeImageTest.le(b).getInt((int) table.address());
    byte[] der = Arrays.copyOfRange(b, (int) table.address() + 8, (int) table.address() + length);
    ASN1Sequence contentInfo = ASN1Sequence.getInstance(der);
    assertEquals("1.2.840.113549.1.7.2", contentInfo.getObjectAt(0).toString());
    return ASN1Sequence.getInstance(ASN1TaggedObject.getInstance(contentInfo.getObjectAt(1)).getExplicitBaseObject());
  }

  static ASN1Sequence signerInfo(ASN1Sequence signedData) {
    ASN1Set signers = ASN1Set.getInstance(signedData.getObjectAt(4));
    assertEquals(1, signers.size());
    return ASN1Sequence.getInstance(signers.getObjectAt(0));
  }

  /** The authenticated attributes: type OID to the DER of its values, in hex. */
  static Map<String, String> attributes(ASN1Sequence signerInfo) throws Exception {
    ASN1TaggedObject tagged = ASN1TaggedObject.getInstance(signerInfo.getObjectAt(3));
    assertEquals(0, tagged.getTagNo());
    Map<String, String> out = new HashMap<>();
    for (ASN1Encodable a : ASN1Set.getInstance(tagged, false)) {
      ASN1Sequence attribute = ASN1Sequence.getInstance(a);
      out.put(attribute.getObjectAt(0).toString(), HexFormat.of().formatHex(der(attribute.getObjectAt(1))));
    }
    return out;
  }

  static byte[] der(ASN1Encodable e) throws Exception {
    return e.toASN1Primitive().getEncoded(ASN1Encoding.DER);
  }

  static String hex(byte[] b) {
    return HexFormat.of().withUpperCase().formatHex(b);
  }
}

package io.cosbuild.rootfs.efi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x509.Certificate;

/**
 * Signs a PE image for UEFI Secure Boot: an Authenticode signature, as {@code sbsign} and {@code osslsigncode} make
 * it, appended to the file in a WIN_CERTIFICATE that the certificate table (data directory 4) points to. The firmware
 * (EDK2's DxeImageVerificationLib) hashes the image, checks that hash against the one signed, and the signature
 * against the certificates in its db.
 *
 * <p>The signature is a PKCS#7 SignedData (version 1, not CMS) whose content is an SpcIndirectDataContent holding the
 * image's SHA-256 {@link #digest}; one signer, identified by issuer and serial number, with the authenticated
 * attributes contentType, messageDigest and an empty SpcSpOpusInfo (as osslsigncode and signtool write them; sbsign
 * has SMIMECapabilities instead of the last), signed with SHA256withRSA. There is no signing time, so the same image,
 * key and certificate give the same bytes. Only RSA keys are taken: UEFI firmware verifies RSA (2048 bits and more),
 * not ECDSA. Stateless and thread-safe.
 */
public final class AuthenticodeSigner {

  private static final int CHUNK = 1 << 20;
  private static final int HEADER_READ = 64 << 10;
  private static final int CERTIFICATE_TABLE = 4;
  private static final int WIN_CERTIFICATE_HEADER = 8;
  private static final short WIN_CERT_REVISION_2_0 = 0x0200;
  private static final short WIN_CERT_TYPE_PKCS_SIGNED_DATA = 0x0002;

  private static final ASN1ObjectIdentifier SIGNED_DATA = new ASN1ObjectIdentifier("1.2.840.113549.1.7.2");
  private static final ASN1ObjectIdentifier SHA256 = new ASN1ObjectIdentifier("2.16.840.1.101.3.4.2.1");
  private static final ASN1ObjectIdentifier RSA_ENCRYPTION = new ASN1ObjectIdentifier("1.2.840.113549.1.1.1");
  private static final ASN1ObjectIdentifier CONTENT_TYPE = new ASN1ObjectIdentifier("1.2.840.113549.1.9.3");
  private static final ASN1ObjectIdentifier MESSAGE_DIGEST = new ASN1ObjectIdentifier("1.2.840.113549.1.9.4");
  private static final ASN1ObjectIdentifier SPC_INDIRECT_DATA = new ASN1ObjectIdentifier("1.3.6.1.4.1.311.2.1.4");
  private static final ASN1ObjectIdentifier SPC_SP_OPUS_INFO = new ASN1ObjectIdentifier("1.3.6.1.4.1.311.2.1.12");
  private static final ASN1ObjectIdentifier SPC_PE_IMAGE_DATA = new ASN1ObjectIdentifier("1.3.6.1.4.1.311.2.1.15");

  private AuthenticodeSigner() {}

  /**
   * Signs the PE image in place: appends the WIN_CERTIFICATE (padded to 8 bytes), points the certificate table at it
   * and sets the CheckSum over the final file. Refused: an image already signed, one whose length is not a multiple
   * of 8 (where the certificate table must start), one with fewer than 5 data directories, a key that is not RSA or
   * does not match {@code certificate}. On failure the file is left as it was.
   */
  public static void sign(Path image, PrivateKey key, X509Certificate certificate)
      throws IOException, EfiImageException {
    try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      sign(image.toString(), ch, key, certificate);
    }
  }

  /**
   * The Authenticode SHA-256 digest of the image as the PE/COFF Authenticode spec and EDK2's DxeImageVerificationLib
   * compute it, and sbsign; a signed image's digest is that of the image before signing. (osslsigncode 2.9 agrees
   * only when the sections lie end to end: it also hashes what lies between them.)
   */
  public static byte[] digest(Path image) throws IOException, EfiImageException {
    try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
      return digest(headers(image.toString(), ch), ch);
    }
  }

  /** {@link #sign(Path, PrivateKey, X509Certificate)} on an open channel; {@code what} names it in messages. */
  static void sign(String what, SeekableByteChannel ch, PrivateKey key, X509Certificate certificate)
      throws IOException, EfiImageException {
    PeImage pe = headers(what, ch);
    long length = pe.length();
    PeImage.DataDirectory table = pe.certificateTable();
    if (table.isPresent()) {
      throw new EfiImageException(what + ": already signed (certificate table at " + PeImage.hex(table.address())
          + ", " + table.size() + " bytes); sign the unsigned image");
    }
    if (length % 8 != 0) {
      throw new EfiImageException(what + ": its length " + length + " is not a multiple of 8, where the certificate"
          + " table must start; pad the image's last section to FileAlignment");
    }
    if (pe.dataDirectoryCount() <= CERTIFICATE_TABLE) {
      throw new EfiImageException(what + ": only " + pe.dataDirectoryCount() + " data directories"
          + " (NumberOfRvaAndSizes), so there is no certificate table entry to point at a signature");
    }
    byte[] der = signedData(what, digest(pe, ch), key, certificate);
    long padded = roundUp8(WIN_CERTIFICATE_HEADER + der.length);
    if (length + padded > PeImage.U32_MAX) {
      throw new EfiImageException(what + ": the signed image would be larger than 4 GiB, the limit of a PE image");
    }
    ByteBuffer win = ByteBuffer.allocate((int) padded).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(WIN_CERTIFICATE_HEADER + der.length).putShort(WIN_CERT_REVISION_2_0)
        .putShort(WIN_CERT_TYPE_PKCS_SIGNED_DATA).put(der).clear();
    ByteBuffer directory = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(0, (int) length).putInt(4, (int) padded);
    int directoryAt = pe.dataDirectoryOffset(CERTIFICATE_TABLE);
    ByteBuffer oldChecksum = read(ch, pe.checkSumOffset(), 4);
    ByteBuffer oldDirectory = read(ch, directoryAt, 8);
    try {
      writeAt(ch, length, win);
      writeAt(ch, directoryAt, directory);
      writeAt(ch, pe.checkSumOffset(), ByteBuffer.allocate(4));
      ByteBuffer sum = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
      writeAt(ch, pe.checkSumOffset(), sum.putInt(0, (int) checksum(ch, length + padded)));
    } catch (IOException | RuntimeException e) {
      try {
        ch.truncate(length);
        writeAt(ch, directoryAt, oldDirectory);
        writeAt(ch, pe.checkSumOffset(), oldChecksum);
      } catch (IOException | RuntimeException restore) {
        e.addSuppressed(restore);
      }
      throw e;
    }
  }

  /** The headers, parsed from the file's first bytes (which must hold them); the rest is not read. */
  static PeImage headers(String what, SeekableByteChannel ch) throws IOException, EfiImageException {
    long length = ch.size();
    ByteBuffer prefix = read(ch, 0, (int) Math.min(length, HEADER_READ));
    return PeImage.parseHeaders(what, prefix.array(), length);
  }

  /**
   * The headers up to SizeOfHeaders without the CheckSum and the certificate table entry; the sections with raw
   * data in file order; then what follows, save the certificate table at the end. EDK2 and sbsign take that rest
   * from the offset that is the sum of the sizes hashed so far, not from the end of the last section: the same thing
   * when the sections lie end to end (as in the UKIs {@link UkiBuilder} makes), and where a file has gaps between
   * them (a UKI made by another tool from a stub whose COFF symbol table was left in place) it must be hashed the
   * same way to be accepted.
   */
  private static byte[] digest(PeImage pe, SeekableByteChannel ch) throws IOException, EfiImageException {
    MessageDigest md = sha256();
    long headerEnd = pe.sizeOfHeaders();
    long checkSum = pe.checkSumOffset();
    if (pe.dataDirectoryCount() > CERTIFICATE_TABLE) {
      long directory = pe.dataDirectoryOffset(CERTIFICATE_TABLE);
      hash(ch, md, 0, checkSum);
      hash(ch, md, checkSum + 4, directory - checkSum - 4);
      hash(ch, md, directory + 8, headerEnd - directory - 8);
    } else {
      hash(ch, md, 0, checkSum);
      hash(ch, md, checkSum + 4, headerEnd - checkSum - 4);
    }
    long sum = headerEnd;
    List<SectionHeader> sections = new ArrayList<>(pe.sections());
    sections.removeIf(s -> s.sizeOfRawData() == 0);
    sections.sort(Comparator.comparingLong(SectionHeader::pointerToRawData)); // stable, as EDK2's insertion sort
    for (SectionHeader s : sections) {
      hash(ch, md, s.pointerToRawData(), s.sizeOfRawData());
      sum += s.sizeOfRawData();
    }
    long tableSize = pe.certificateTable().size();
    if (pe.length() > sum + tableSize) {
      hash(ch, md, sum, pe.length() - tableSize - sum);
    }
    return md.digest();
  }

  /** The WIN_CERTIFICATE's content: PKCS#7 SignedData over an SpcIndirectDataContent, DER. */
  private static byte[] signedData(String what, byte[] imageDigest, PrivateKey key, X509Certificate certificate)
      throws EfiImageException {
    if (!"RSA".equals(key.getAlgorithm())) {
      throw new EfiImageException("cannot sign " + what + ": the key is " + key.getAlgorithm() + ", not RSA; UEFI"
          + " firmware verifies RSA signatures only: use an RSA key of 2048 bits or more");
    }
    PublicKey publicKey = certificate.getPublicKey();
    if (!"RSA".equals(publicKey.getAlgorithm())) {
      throw new EfiImageException("cannot sign " + what + " with the certificate " + subject(certificate)
          + ": its key is " + publicKey.getAlgorithm() + ", not RSA");
    }
    Certificate cert;
    try {
      cert = Certificate.getInstance(certificate.getEncoded());
    } catch (CertificateEncodingException | IllegalArgumentException e) {
      throw new EfiImageException("cannot sign " + what + ": the certificate " + subject(certificate)
          + " cannot be encoded: " + e.getMessage(), e);
    }
    DERSequence sha256 = algorithm(SHA256);
    DERSequence spcIndirectData = new DERSequence(new ASN1Encodable[] {
        new DERSequence(new ASN1Encodable[] {SPC_PE_IMAGE_DATA, spcPeImageData()}),
        new DERSequence(new ASN1Encodable[] {sha256, new DEROctetString(imageDigest)})});
    DERSet attributes = new DERSet(new ASN1Encodable[] {
        attribute(CONTENT_TYPE, SPC_INDIRECT_DATA),
        // The Authenticode quirk: the digest is of the SEQUENCE's contents, without its tag and length.
        attribute(MESSAGE_DIGEST, new DEROctetString(sha256().digest(contents(spcIndirectData)))),
        attribute(SPC_SP_OPUS_INFO, new DERSequence())});
    byte[] signature = rsaSign(what, der(attributes), key, publicKey, certificate);
    DERSequence signerInfo = new DERSequence(new ASN1Encodable[] {
        new ASN1Integer(1),
        new DERSequence(new ASN1Encodable[] {cert.getIssuer(), cert.getSerialNumber()}),
        sha256,
        new DERTaggedObject(false, 0, attributes),
        algorithm(RSA_ENCRYPTION),
        new DEROctetString(signature)});
    // Built by hand: BouncyCastle's cms.SignedData would make CMS (version 3, the content in an OCTET STRING).
    DERSequence signedData = new DERSequence(new ASN1Encodable[] {
        new ASN1Integer(1),
        new DERSet(sha256),
        new DERSequence(new ASN1Encodable[] {SPC_INDIRECT_DATA, new DERTaggedObject(true, 0, spcIndirectData)}),
        new DERTaggedObject(false, 0, new DERSet(cert)),
        new DERSet(signerInfo)});
    return der(new DERSequence(new ASN1Encodable[] {SIGNED_DATA, new DERTaggedObject(true, 0, signedData)}));
  }

  /** SpcPeImageData: no flags, and the file link "<<<Obsolete>>>" every signer writes. */
  private static DERSequence spcPeImageData() {
    DERTaggedObject unicode = new DERTaggedObject(false, 0, new DERBMPString("<<<Obsolete>>>"));
    DERTaggedObject file = new DERTaggedObject(true, 2, unicode);
    return new DERSequence(new ASN1Encodable[] {new DERBitString(new byte[0]), new DERTaggedObject(true, 0, file)});
  }

  private static byte[] rsaSign(String what, byte[] data, PrivateKey key, PublicKey publicKey,
      X509Certificate certificate) throws EfiImageException {
    try {
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initSign(key);
      s.update(data);
      byte[] signature = s.sign();
      // A key that is not the certificate's would give a signature no firmware accepts: check it here.
      Signature v = Signature.getInstance("SHA256withRSA");
      v.initVerify(publicKey);
      v.update(data);
      if (!v.verify(signature)) {
        throw new EfiImageException("cannot sign " + what + ": the private key does not match the public key of the"
            + " certificate " + subject(certificate));
      }
      return signature;
    } catch (GeneralSecurityException e) {
      throw new EfiImageException("cannot sign " + what + " with SHA256withRSA: " + e.getMessage(), e);
    }
  }

  private static DERSequence attribute(ASN1ObjectIdentifier type, ASN1Encodable value) {
    return new DERSequence(new ASN1Encodable[] {type, new DERSet(value)});
  }

  private static DERSequence algorithm(ASN1ObjectIdentifier oid) {
    return new DERSequence(new ASN1Encodable[] {oid, DERNull.INSTANCE});
  }

  private static byte[] der(ASN1Encodable e) {
    try {
      return e.toASN1Primitive().getEncoded(ASN1Encoding.DER);
    } catch (IOException x) {
      throw new IllegalStateException("DER encoding in memory failed", x);
    }
  }

  /** A DER encoding's contents octets: what follows its (one-byte) tag and its length. */
  static byte[] contents(ASN1Encodable e) {
    byte[] d = der(e);
    int at = 1;
    int first = d[at++] & 0xff;
    if (first > 0x80) {
      at += first - 0x80;
    }
    return Arrays.copyOfRange(d, at, d.length);
  }

  private static String subject(X509Certificate c) {
    return "'" + c.getSubjectX500Principal().getName() + "'";
  }

  private static void hash(SeekableByteChannel ch, MessageDigest md, long offset, long size) throws IOException {
    ch.position(offset);
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(size, 1)));
    for (long left = size; left > 0; ) {
      buf.clear().limit((int) Math.min(buf.capacity(), left));
      readFully(ch, buf);
      md.update(buf.flip());
      left -= buf.limit();
    }
  }

  /** The PE checksum of the file's first {@code length} bytes, whose CheckSum field the caller has zeroed. */
  private static long checksum(SeekableByteChannel ch, long length) throws IOException {
    PeChecksum sum = new PeChecksum();
    ch.position(0);
    ByteBuffer buf = ByteBuffer.allocate(CHUNK);
    for (long left = length; left > 0; ) {
      buf.clear().limit((int) Math.min(buf.capacity(), left));
      readFully(ch, buf);
      sum.update(buf.flip());
      left -= buf.limit();
    }
    return sum.value();
  }

  private static ByteBuffer read(SeekableByteChannel ch, long offset, int size) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(size);
    ch.position(offset);
    readFully(ch, buf);
    return buf.flip();
  }

  private static void readFully(SeekableByteChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      if (ch.read(buf) < 0) {
        throw new IOException("unexpected end of file at " + ch.position() + ": did the image change while read?");
      }
    }
  }

  private static void writeAt(SeekableByteChannel ch, long offset, ByteBuffer data) throws IOException {
    ch.position(offset);
    while (data.hasRemaining()) {
      ch.write(data);
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static long roundUp8(long v) {
    return (v + 7) & -8;
  }
}

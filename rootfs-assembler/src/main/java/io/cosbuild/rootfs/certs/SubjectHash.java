package io.cosbuild.rootfs.certs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.ASN1BMPString;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1PrintableString;
import org.bouncycastle.asn1.ASN1T61String;
import org.bouncycastle.asn1.ASN1UTF8String;
import org.bouncycastle.asn1.ASN1UniversalString;
import org.bouncycastle.asn1.ASN1VisibleString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * OpenSSL's subject name hash ({@code X509_NAME_hash}, {@code openssl x509 -subject_hash}): the name of the
 * {@code HASH.N} links by which OpenSSL finds a CA certificate in a directory such as /etc/ssl/certs. The
 * first four bytes, little-endian, of the SHA-1 of the name's canonical encoding: each RDN as a DER SET
 * with its text values made UTF8String, trimmed, inner runs of white space made one space and ASCII
 * lower-cased (OpenSSL's {@code x509_name_canon}), the RDNs one after another without the outer SEQUENCE.
 */
public final class SubjectHash {

  private SubjectHash() {}

  /** Eight lowercase hex digits, as the link name's stem. */
  public static String of(X500Name name) {
    ByteArrayOutputStream canon = new ByteArrayOutputStream();
    try {
      for (RDN rdn : name.getRDNs()) {
        AttributeTypeAndValue[] values = rdn.getTypesAndValues();
        AttributeTypeAndValue[] canonical = new AttributeTypeAndValue[values.length];
        for (int i = 0; i < values.length; i++) {
          canonical[i] = new AttributeTypeAndValue(values[i].getType(), canonical(values[i].getValue()));
        }
        canon.write(new DERSet(canonical).getEncoded(ASN1Encoding.DER));
      }
      byte[] d = MessageDigest.getInstance("SHA-1").digest(canon.toByteArray());
      return HexFormat.of().formatHex(new byte[] {d[3], d[2], d[1], d[0]});
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot encode a parsed name", e);
    }
  }

  /** A text value as OpenSSL canonicalizes it; other values (a BIT STRING, say) unchanged. */
  private static ASN1Encodable canonical(ASN1Encodable value) {
    String text;
    if (value instanceof ASN1UniversalString u) {
      // BC gives a UniversalString as "#hex": decode its UTF-32BE octets.
      text = new String(u.getOctets(), Charset.forName("UTF-32BE"));
    } else if (value instanceof ASN1UTF8String || value instanceof ASN1PrintableString || value instanceof ASN1IA5String
        || value instanceof ASN1VisibleString || value instanceof ASN1BMPString || value instanceof ASN1T61String) {
      // T61String is read byte for byte (as Latin-1), as OpenSSL's ASN1_STRING_to_UTF8 does.
      text = ((ASN1String) value).getString();
    } else {
      return value;
    }
    return new DERUTF8String(new String(fold(text.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8));
  }

  /** Trim, collapse white space, lower-case ASCII, on UTF-8 bytes (non-ASCII bytes copied). */
  private static byte[] fold(byte[] in) {
    int from = 0;
    int to = in.length;
    while (from < to && space(in[from])) {
      from++;
    }
    while (to > from && space(in[to - 1])) {
      to--;
    }
    ByteBuffer out = ByteBuffer.allocate(to - from);
    for (int i = from; i < to; ) {
      byte b = in[i];
      if (b < 0) {
        out.put(b);
        i++;
      } else if (space(b)) {
        out.put((byte) ' ');
        while (i < to && space(in[i])) {
          i++;
        }
      } else {
        out.put(b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b);
        i++;
      }
    }
    byte[] r = new byte[out.position()];
    out.flip().get(r);
    return r;
  }

  private static boolean space(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == 0x0b || b == '\f' || b == '\r';
  }
}

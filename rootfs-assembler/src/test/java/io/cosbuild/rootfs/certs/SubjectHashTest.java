package io.cosbuild.rootfs.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERT61String;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.DERUniversalString;
import org.bouncycastle.asn1.DERNumericString;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our subject hash against {@code openssl x509 -subject_hash} for names that exercise its canonical form. */
class SubjectHashTest {

  @TempDir Path dir;

  static RDN rdn(ASN1ObjectIdentifier type, org.bouncycastle.asn1.ASN1Encodable value) {
    return new RDN(type, value);
  }

  static List<X500Name> names() {
    return List.of(
        new X500Name(new RDN[] {rdn(BCStyle.C, new DERPrintableString("DE")), rdn(BCStyle.O, new DERUTF8String("ACME Corp")),
            rdn(BCStyle.CN, new DERUTF8String("ACME Root CA"))}),
        // White space trimmed and collapsed, ASCII case folded, the string types made UTF8String; a NumericString
        // kept as it is. (OpenSSL 3.0 cannot load a certificate whose name has a VisibleString: none tested.)
        new X500Name(new RDN[] {rdn(BCStyle.CN, new DERUTF8String("  Mixed   CASE\tName \f\n")),
            rdn(BCStyle.O, new DERPrintableString("Two  Spaces")), rdn(BCStyle.SERIALNUMBER, new DERNumericString("  0123  45 ")),
            rdn(BCStyle.EmailAddress, new DERIA5String("ADMIN@Example.COM"))}),
        // Non-ASCII: BMPString and UTF8String with letters ASCII folding leaves alone, T61String read as Latin-1,
        // UniversalString (UTF-32).
        new X500Name(new RDN[] {rdn(BCStyle.OU, new DERBMPString("Főtanúsítvány ÜNIT")),
            rdn(BCStyle.CN, new DERUTF8String("ÆØÅ Größe")), rdn(BCStyle.L, new DERT61String(new byte[] {'Z', (byte) 0xfc, 'R', 'I'})),
            rdn(BCStyle.ST, new DERUniversalString("Straße ST".getBytes(Charset.forName("UTF-32BE"))))}),
        // A multi-valued RDN, and a value that is not a string (kept as it is).
        new X500Name(new RDN[] {new RDN(new AttributeTypeAndValue[] {new AttributeTypeAndValue(BCStyle.O, new DERUTF8String("Org B")),
            new AttributeTypeAndValue(BCStyle.CN, new DERUTF8String("Name A"))}),
            rdn(BCStyle.UNIQUE_IDENTIFIER, new DERBitString(new byte[] {1, 2, 3}))}));
  }

  @Test
  void agreesWithOpenssl() throws Exception {
    int i = 0;
    for (X500Name n : names()) {
      Path f = dir.resolve("c" + i + ".der");
      Files.write(f, TestCertificates.der(n, ++i));
      assertEquals(openssl("x509", "-inform", "DER", "-noout", "-subject_hash", "-in", f.toString()).strip(), SubjectHash.of(n),
          n.toString());
    }
  }

  static String openssl(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), cmd + ": " + out);
    return out;
  }
}

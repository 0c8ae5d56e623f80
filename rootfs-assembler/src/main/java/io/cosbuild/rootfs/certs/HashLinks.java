package io.cosbuild.rootfs.certs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.bouncycastle.asn1.ASN1InputStream;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * The {@code HASH.N} links {@code openssl rehash DIR} makes for a certificate directory: for each file
 * named {@code *.pem}, {@code *.crt} or {@code *.cer} (in name order) that holds exactly one certificate,
 * a link named by its {@link SubjectHash} and the first number free for that hash, pointing to the file
 * by name; a certificate already linked from an earlier file is skipped. Files with CRLs or several
 * certificates get no link, as with rehash (which also makes {@code HASH.rN} links for CRL files: these are
 * not made here).
 */
public final class HashLinks {

  private static final List<String> SUFFIXES = List.of("pem", "crt", "cer");
  private static final List<String> CERTIFICATE = List.of("CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE");

  private HashLinks() {}

  /**
   * @param files the directory's files (symlinks already followed) by name, existing hash links left out
   * @return link name to target name, in the order rehash makes them
   */
  public static Map<String, String> of(SortedMap<String, byte[]> files) {
    Map<String, List<byte[]>> fingerprintsByHash = new TreeMap<>();
    Map<String, String> links = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      String name = f.getKey();
      int dot = name.lastIndexOf('.');
      if (dot < 0 || !SUFFIXES.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT))) {
        continue;
      }
      byte[] der = onlyCertificate(f.getValue());
      if (der == null) {
        continue;
      }
      Certificate cert;
      try {
        cert = Certificate.getInstance(der);
      } catch (IllegalArgumentException e) {
        continue; // not a certificate OpenSSL would load either
      }
      String hash = SubjectHash.of(cert.getSubject());
      byte[] fingerprint = sha1(der);
      List<byte[]> seen = fingerprintsByHash.computeIfAbsent(hash, h -> new ArrayList<>());
      if (seen.stream().anyMatch(s -> Arrays.equals(s, fingerprint))) {
        continue; // the same certificate under another name
      }
      links.put(hash + "." + seen.size(), name);
      seen.add(fingerprint);
    }
    return links;
  }

  /** The DER of the file's one certificate; null when it holds none, several, or anything else PEM (a CRL). */
  private static byte[] onlyCertificate(byte[] content) {
    byte[] der = null;
    try (PemReader r = new PemReader(new InputStreamReader(new ByteArrayInputStream(content), StandardCharsets.US_ASCII))) {
      PemObject o;
      while ((o = r.readPemObject()) != null) {
        if (o.getType().endsWith("CRL") || (CERTIFICATE.contains(o.getType()) && der != null)) {
          return null;
        }
        if (CERTIFICATE.contains(o.getType())) {
          der = o.getContent();
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    if (der == null) {
      return null;
    }
    // A TRUSTED CERTIFICATE is the certificate followed by OpenSSL's trust settings: keep the certificate.
    try (ASN1InputStream in = new ASN1InputStream(der)) {
      ASN1Primitive first = in.readObject();
      return first == null ? null : first.getEncoded();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static byte[] sha1(byte[] der) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(der);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

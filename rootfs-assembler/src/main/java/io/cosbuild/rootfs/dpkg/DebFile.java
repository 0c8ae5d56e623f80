package io.cosbuild.rootfs.dpkg;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/**
 * A thin {@code .deb} reader, enough to fill a {@link PackageContent}: an {@code ar} archive of
 * {@code debian-binary} ("2.0"), {@code control.tar[.gz|.xz|.zst]} and
 * {@code data.tar[.gz|.xz|.zst|.bz2]} (deb(5)). The control members are read into memory (they are
 * small, and capped); the data archive is re-opened from the file on each request, so nothing of
 * it is held in the heap. This is the reader the build pipeline uses. Stateless and thread-safe.
 */
public final class DebFile {

  /** Control members larger than this are refused rather than read into memory. */
  private static final long MAX_CONTROL_MEMBER = 64L << 20;

  private DebFile() {}

  /**
   * Reads {@code deb}; when {@code expectedSha256} is not null the file must have that digest
   * (e.g. from a lock file), otherwise the error names the file and both digests.
   */
  public static PackageContent read(Path deb, String expectedSha256) throws PackageException {
    String sha256;
    try {
      sha256 = sha256(deb);
    } catch (IOException e) {
      throw new PackageException(deb + ": cannot read: " + e.getMessage(), e);
    }
    if (expectedSha256 != null && !expectedSha256.equals(sha256)) {
      throw new PackageException(deb.getFileName() + ": checksum mismatch: expected sha256 " + expectedSha256
          + " but the file has " + sha256 + "; delete it from the cache and download it again");
    }
    byte[] control = null;
    byte[] conffiles = null;
    byte[] md5sums = null;
    boolean sawData = false;
    try (ArArchiveInputStream ar = new ArArchiveInputStream(new BufferedInputStream(Files.newInputStream(deb)))) {
      ArArchiveEntry first = ar.getNextEntry();
      if (first == null || !first.getName().equals("debian-binary")) {
        throw new PackageException(deb.getFileName() + ": not a Debian package (first ar member is not debian-binary)");
      }
      String format = new String(ar.readAllBytes(), StandardCharsets.US_ASCII);
      if (!format.startsWith("2.")) {
        throw new PackageException(deb.getFileName() + ": unsupported deb format " + format.strip());
      }
      ArArchiveEntry e;
      while ((e = ar.getNextEntry()) != null) {
        String n = e.getName();
        if (n.startsWith("control.tar")) {
          try (TarArchiveInputStream tar = new TarArchiveInputStream(decompress(n, shield(ar)))) {
            TarArchiveEntry t;
            while ((t = tar.getNextEntry()) != null) {
              String member = t.getName().startsWith("./") ? t.getName().substring(2) : t.getName();
              if (!t.isFile() || !(member.equals("control") || member.equals("conffiles") || member.equals("md5sums"))) {
                continue;
              }
              byte[] bytes = readCapped(tar, deb.getFileName() + ": control member " + member);
              switch (member) {
                case "control" -> control = bytes;
                case "conffiles" -> conffiles = bytes;
                default -> md5sums = bytes;
              }
            }
          }
        } else if (n.startsWith("data.tar")) {
          decompressorFor(n, deb); // refuses unknown compression now, not during extraction
          sawData = true;
        }
      }
    } catch (IOException e) {
      throw new PackageException(deb.getFileName() + ": corrupt or truncated package: " + e.getMessage(), e);
    }
    if (control == null) {
      throw new PackageException(deb.getFileName() + ": has no control file");
    }
    if (!sawData) {
      throw new PackageException(deb.getFileName() + ": has no data.tar member");
    }
    Map<String, String> fields = ControlStanza.parse(new String(control, StandardCharsets.UTF_8), deb.getFileName() + ": control");
    String name = required(fields, "Package", deb);
    String where = name + " (" + deb.getFileName() + ")";
    long installed = 0;
    if (fields.containsKey("Installed-Size")) {
      try {
        installed = Long.parseLong(fields.get("Installed-Size").strip());
      } catch (NumberFormatException ex) {
        throw new PackageException(where + ": Installed-Size is not a number: " + fields.get("Installed-Size"));
      }
    }
    List<String> conf = new ArrayList<>();
    if (conffiles != null) {
      for (String line : new String(conffiles, StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          conf.add(line.strip().split("\\s+")[0]);
        }
      }
    }
    Map<String, String> sums = new LinkedHashMap<>();
    if (md5sums != null) {
      for (String line : new String(md5sums, StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        if (line.length() < 35 || !line.substring(0, 32).matches("[0-9a-f]{32}")) {
          throw new PackageException(where + ": malformed md5sums line: " + line);
        }
        String path = line.substring(32).strip();
        sums.put(path.startsWith("./") ? path.substring(2) : path, line.substring(0, 32));
      }
    }
    String dataMember = dataMemberName(deb);
    try {
      return new PackageContent(name, required(fields, "Version", deb), required(fields, "Architecture", deb), sha256,
          installed, fields, conf, sums, () -> openData(deb, dataMember));
    } catch (IllegalArgumentException ex) {
      throw new PackageException(where + ": " + ex.getMessage(), ex);
    }
  }

  private static String dataMemberName(Path deb) throws PackageException {
    try (ArArchiveInputStream ar = new ArArchiveInputStream(new BufferedInputStream(Files.newInputStream(deb)))) {
      ArArchiveEntry e;
      while ((e = ar.getNextEntry()) != null) {
        if (e.getName().startsWith("data.tar")) {
          return e.getName();
        }
      }
    } catch (IOException e) {
      throw new PackageException(deb.getFileName() + ": corrupt or truncated package: " + e.getMessage(), e);
    }
    throw new PackageException(deb.getFileName() + ": has no data.tar member");
  }

  private static InputStream openData(Path deb, String member) throws IOException {
    ArArchiveInputStream ar = new ArArchiveInputStream(new BufferedInputStream(Files.newInputStream(deb)));
    try {
      ArArchiveEntry e;
      while ((e = ar.getNextEntry()) != null) {
        if (e.getName().equals(member)) {
          return new BufferedInputStream(decompress(member, ar), 1 << 16);
        }
      }
    } catch (IOException | RuntimeException ex) {
      ar.close();
      throw ex;
    }
    ar.close();
    throw new IOException(deb + ": data member " + member + " disappeared");
  }

  private static void decompressorFor(String member, Path deb) throws PackageException {
    if (!(member.equals("data.tar") || member.endsWith(".gz") || member.endsWith(".xz") || member.endsWith(".zst")
        || member.endsWith(".bz2"))) {
      throw new PackageException(deb.getFileName() + ": unsupported data member compression: " + member);
    }
  }

  /** Wraps {@code in} (not closed by the caller separately: closing the result closes it). */
  private static InputStream decompress(String member, InputStream in) throws IOException {
    if (member.endsWith(".gz")) {
      return new GzipCompressorInputStream(in);
    } else if (member.endsWith(".xz")) {
      return new XZCompressorInputStream(in);
    } else if (member.endsWith(".zst")) {
      return new ZstdCompressorInputStream(in);
    } else if (member.endsWith(".bz2")) {
      return new BZip2CompressorInputStream(in);
    } else if (member.endsWith(".tar")) {
      return in;
    }
    throw new IOException("unsupported compression of ar member " + member);
  }

  /** Lets a member's decompressor be closed without closing the ar stream it reads from. */
  private static InputStream shield(InputStream in) {
    return new java.io.FilterInputStream(in) {
      @Override
      public void close() {
        // the ar stream stays open for the next member
      }
    };
  }

  private static byte[] readCapped(InputStream in, String what) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    long total = 0;
    int n;
    while ((n = in.read(buf)) > 0) {
      total += n;
      if (total > MAX_CONTROL_MEMBER) {
        throw new IOException(what + " is larger than " + MAX_CONTROL_MEMBER + " bytes");
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  private static String required(Map<String, String> fields, String key, Path deb) throws PackageException {
    String v = fields.get(key);
    if (v == null || v.isBlank()) {
      throw new PackageException(deb.getFileName() + ": control file has no " + key + " field");
    }
    return v.strip();
  }

  static String sha256(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}

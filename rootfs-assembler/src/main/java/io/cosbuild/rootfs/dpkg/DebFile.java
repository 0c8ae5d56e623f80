package io.cosbuild.rootfs.dpkg;

import io.cosbuild.packages.deb.DebArchive;
import io.cosbuild.packages.deb.DebFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fills a {@link PackageContent} from a {@code .deb}, read by the packages module's {@link DebArchive}
 * (one reader of the format in the project): the checksum is checked first, the control stanza is kept
 * as the package wrote it (for the dpkg status file), and the data archive is re-opened from the file
 * on each request, so nothing of it is held in the heap. Stateless and thread-safe.
 */
public final class DebFile {

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
    DebArchive archive;
    Map<String, String> md5sums;
    try {
      archive = DebArchive.open(deb);
      md5sums = archive.md5sums();
    } catch (DebFormatException e) {
      throw new PackageException(e.getMessage(), e);
    } catch (IOException e) {
      throw new PackageException(deb + ": corrupt or truncated package: " + e.getMessage(), e);
    }
    Map<String, String> fields = ControlStanza.parse(new String(archive.controlFile("control"), StandardCharsets.UTF_8),
        deb.getFileName() + ": control");
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
    try {
      return new PackageContent(name, required(fields, "Version", deb), required(fields, "Architecture", deb), sha256,
          installed, fields, archive.conffiles(), md5sums, archive::openDataTar, scripts(archive));
    } catch (IllegalArgumentException ex) {
      throw new PackageException(where + ": " + ex.getMessage(), ex);
    }
  }

  /** The scripts dpkg runs when it installs a package; their text is read for the audit, never run. */
  private static Map<String, String> scripts(DebArchive archive) {
    Map<String, String> out = new TreeMap<>();
    for (String name : List.of("preinst", "postinst")) {
      byte[] b = archive.controlFile(name);
      if (b != null) {
        out.put(name, new String(b, StandardCharsets.UTF_8));
      }
    }
    return out;
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

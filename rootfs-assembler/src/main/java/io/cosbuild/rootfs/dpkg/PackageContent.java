package io.cosbuild.rootfs.dpkg;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the assembler needs to know about one binary package: identity, the {@code .deb}'s SHA-256,
 * the control stanza (fields in the order the package wrote them, continuation lines kept
 * verbatim), conffiles, the {@code md5sums} of the data files (paths without a leading slash) and
 * a way to read the data archive. This is the seam to the packages module: its {@code .deb} reader
 * fills this record. Immutable and thread-safe (the data archive opens a new stream per call).
 *
 * @param installedSizeKiB the control file's {@code Installed-Size}, in KiB (0 if absent)
 * @param maintainerScripts {@code preinst} and {@code postinst} by name, as text, for the audit (cosbuild runs none)
 */
public record PackageContent(
    String name,
    String version,
    String architecture,
    String sha256,
    long installedSizeKiB,
    Map<String, String> control,
    List<String> conffiles,
    Map<String, String> md5sums,
    DataArchive data,
    Map<String, String> maintainerScripts) {

  /** A package without maintainer scripts. */
  public PackageContent(String name, String version, String architecture, String sha256, long installedSizeKiB,
      Map<String, String> control, List<String> conffiles, Map<String, String> md5sums, DataArchive data) {
    this(name, version, architecture, sha256, installedSizeKiB, control, conffiles, md5sums, data, Map.of());
  }

  public PackageContent {
    if (name == null || !name.matches("[a-z0-9][a-z0-9+.-]+")) {
      throw new IllegalArgumentException("invalid Debian package name: " + name);
    }
    if (version == null || version.isBlank() || version.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(name + ": invalid version '" + version + "'");
    }
    if (architecture == null || !architecture.matches("[a-z0-9-]+")) {
      throw new IllegalArgumentException(name + ": invalid architecture '" + architecture + "'");
    }
    if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException(name + ": sha256 must be 64 lower-case hex digits");
    }
    if (installedSizeKiB < 0) {
      throw new IllegalArgumentException(name + ": negative Installed-Size");
    }
    control = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(control));
    conffiles = List.copyOf(conffiles);
    md5sums = java.util.Collections.unmodifiableMap(new TreeMap<>(md5sums));
    Objects.requireNonNull(data, "data");
    maintainerScripts = java.util.Collections.unmodifiableMap(new TreeMap<>(maintainerScripts));
  }

  /** {@code name version (arch)}, as used in error messages and tree origins. */
  public String id() {
    return name + " " + version + " (" + architecture + ")";
  }

  /** dpkg's per-package file stem: {@code name:arch} for {@code Multi-Arch: same}, else the name. */
  public String infoName() {
    return "same".equals(control.get("Multi-Arch")) ? name + ":" + architecture : name;
  }

  /** A control field's value (first line and continuation lines), if present. */
  public String field(String key) {
    return control.get(key);
  }
}

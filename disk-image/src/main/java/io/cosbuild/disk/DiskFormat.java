package io.cosbuild.disk;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The output formats of {@code cosbuild image --format}. */
public enum DiskFormat {
  /** {@code disk.raw}, sparse; always written, the others are made from it. */
  RAW("disk.raw"),
  /** {@code disk.qcow2}, qcow2 v3. */
  QCOW2("disk.qcow2"),
  /** {@code disk.tar.gz} for Compute Engine image import. */
  GCE("disk.tar.gz");

  private final String fileName;

  DiskFormat(String fileName) {
    this.fileName = fileName;
  }

  public String fileName() {
    return fileName;
  }

  /** Parses a comma-separated list such as {@code raw,qcow2,gce}; raw is always included. */
  public static Set<DiskFormat> parseList(String text) throws DiskImageException {
    Set<DiskFormat> out = EnumSet.of(RAW);
    for (String part : text.split(",")) {
      String p = part.trim().toLowerCase(Locale.ROOT);
      switch (p) {
        case "raw":
          break;
        case "qcow2":
          out.add(QCOW2);
          break;
        case "gce":
          out.add(GCE);
          break;
        default:
          throw new DiskImageException("unknown disk format '" + part.trim() + "': use raw, qcow2 or gce");
      }
    }
    return out;
  }
}

package io.cosbuild.spec.model;

import java.util.Locale;

/** A CPU architecture cosbuild builds for, with the names other tools use for it. */
public enum Architecture {
  X86_64("x86_64", "amd64", "qemu-system-x86_64", "ttyS0"),
  ARM64("arm64", "arm64", "qemu-system-aarch64", "ttyAMA0");

  private final String id;
  private final String debianArch;
  private final String qemuBinary;
  private final String serialConsole;

  Architecture(String id, String debianArch, String qemuBinary, String serialConsole) {
    this.id = id;
    this.debianArch = debianArch;
    this.qemuBinary = qemuBinary;
    this.serialConsole = serialConsole;
  }

  /** The name used in profiles and on the command line: x86_64 or arm64. */
  public String id() {
    return id;
  }

  /** Debian's name: amd64 or arm64. */
  public String debianArch() {
    return debianArch;
  }

  public String qemuBinary() {
    return qemuBinary;
  }

  public String serialConsole() {
    return serialConsole;
  }

  /** Accepts x86_64, amd64, arm64 and aarch64. */
  public static Architecture parse(String s) {
    switch (s.toLowerCase(Locale.ROOT)) {
      case "x86_64", "amd64" -> {
        return X86_64;
      }
      case "arm64", "aarch64" -> {
        return ARM64;
      }
      default -> throw new IllegalArgumentException("unknown architecture '" + s + "' (x86_64 or arm64)");
    }
  }

  /** The architecture of the machine this runs on. */
  public static Architecture host() {
    return parse(System.getProperty("os.arch"));
  }

  @Override
  public String toString() {
    return id;
  }
}

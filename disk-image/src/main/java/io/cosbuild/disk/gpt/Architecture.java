package io.cosbuild.disk.gpt;

import io.cosbuild.disk.DiskImageException;
import java.util.Locale;

/** The CPU architectures cosbuild builds disks for; picks the architecture-specific DPS type GUIDs. */
public enum Architecture {
  X86_64("x86_64"),
  ARM64("arm64");

  private final String id;

  Architecture(String id) {
    this.id = id;
  }

  /** The name used in profiles, manifests and on the command line ({@code x86_64}, {@code arm64}). */
  public String id() {
    return id;
  }

  /** Parses {@code x86_64}/{@code amd64} and {@code arm64}/{@code aarch64}. */
  public static Architecture parse(String text) throws DiskImageException {
    switch (text.toLowerCase(Locale.ROOT)) {
      case "x86_64":
      case "amd64":
        return X86_64;
      case "arm64":
      case "aarch64":
        return ARM64;
      default:
        throw new DiskImageException("unknown architecture '" + text + "': use x86_64 or arm64");
    }
  }
}

package io.cosbuild.spec.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Disk layout sizes in bytes (verity empty = auto), the output formats and what the ESP holds.
 *
 * @param esp {@code empty}, or {@code uki} for a FAT32 ESP with a unified kernel image firmware boots
 * @param secureBootKey PEM RSA private key that signs the unified kernel image for UEFI Secure Boot (Authenticode)
 * @param secureBootCertificate PEM certificate of {@code secureBootKey}, the one firmware's db must trust
 */
public record DiskSpec(long size, long espSize, long rootSize, OptionalLong veritySize, long oemSize, long stateMinSize,
    String rootB, List<String> formats, String esp, Optional<Path> secureBootKey, Optional<Path> secureBootCertificate) {
  public DiskSpec {
    formats = List.copyOf(formats);
  }

  /** A disk with an empty ESP. */
  public DiskSpec(long size, long espSize, long rootSize, OptionalLong veritySize, long oemSize, long stateMinSize,
      String rootB, List<String> formats) {
    this(size, espSize, rootSize, veritySize, oemSize, stateMinSize, rootB, formats, "empty", Optional.empty(),
        Optional.empty());
  }

  public boolean uki() {
    return esp.equals("uki");
  }
}

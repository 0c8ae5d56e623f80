package io.cosbuild.spec.model;

import java.util.List;
import java.util.OptionalLong;

/**
 * Disk layout sizes in bytes (verity empty = auto), the output formats and what the ESP holds.
 *
 * @param esp {@code empty}, or {@code uki} for a FAT32 ESP with a unified kernel image firmware boots
 */
public record DiskSpec(long size, long espSize, long rootSize, OptionalLong veritySize, long oemSize, long stateMinSize,
    String rootB, List<String> formats, String esp) {
  public DiskSpec {
    formats = List.copyOf(formats);
  }

  /** A disk with an empty ESP. */
  public DiskSpec(long size, long espSize, long rootSize, OptionalLong veritySize, long oemSize, long stateMinSize,
      String rootB, List<String> formats) {
    this(size, espSize, rootSize, veritySize, oemSize, stateMinSize, rootB, formats, "empty");
  }

  public boolean uki() {
    return esp.equals("uki");
  }
}

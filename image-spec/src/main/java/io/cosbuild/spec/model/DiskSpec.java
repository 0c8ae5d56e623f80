package io.cosbuild.spec.model;

import java.util.List;
import java.util.OptionalLong;

/** Disk layout sizes in bytes (verity empty = auto) and the output formats. */
public record DiskSpec(long size, long espSize, long rootSize, OptionalLong veritySize, long oemSize, long stateMinSize,
    String rootB, List<String> formats) {
  public DiskSpec {
    formats = List.copyOf(formats);
  }
}

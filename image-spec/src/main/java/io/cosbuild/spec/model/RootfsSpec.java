package io.cosbuild.spec.model;

import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The root filesystem image: type, squashfs compression, xz's BCJ filters and block size, ext4 size (empty = auto).
 */
public record RootfsSpec(String type, String compression, OptionalInt compressionLevel, List<String> xzBcj, long blockSize,
    OptionalLong size) {

  public RootfsSpec {
    xzBcj = List.copyOf(xzBcj);
  }
}

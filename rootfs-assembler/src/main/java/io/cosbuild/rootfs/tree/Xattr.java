package io.cosbuild.rootfs.tree;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One extended attribute, e.g. {@code security.capability}. The value is copied in and out, so
 * instances are immutable and thread-safe.
 */
public record Xattr(String name, byte[] value) implements Comparable<Xattr> {

  public Xattr {
    if (name == null || name.isEmpty() || name.indexOf('.') <= 0) {
      throw new IllegalArgumentException("xattr name must have a namespace prefix: " + name);
    }
    value = value.clone();
  }

  @Override
  public byte[] value() {
    return value.clone();
  }

  public int size() {
    return value.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Xattr x && x.name.equals(name) && Arrays.equals(x.value, value);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(value);
  }

  @Override
  public int compareTo(Xattr o) {
    return name.compareTo(o.name);
  }

  @Override
  public String toString() {
    return name + "=0x" + HexFormat.of().formatHex(value);
  }
}

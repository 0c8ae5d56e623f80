package io.cosbuild.rootfs.tree;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

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

  /** The longest name, prefix included, in bytes: XATTR_NAME_MAX of linux/limits.h. */
  public static final int NAME_MAX = 255;
  /** The largest value in bytes: XATTR_SIZE_MAX of linux/limits.h. */
  public static final int SIZE_MAX = 65536;
  private static final List<String> NAMESPACES = List.of("security.", "system.", "trusted.", "user.");

  /**
   * Why the Linux kernel could not hold this attribute (setxattr fails with ERANGE, E2BIG, EINVAL or
   * EOPNOTSUPP), or empty. The writers refuse such attributes before writing: an image may store
   * them, but unsquashfs and the kernel cannot give them back. An empty value is fine.
   */
  public Optional<String> linuxProblem() {
    String namespace = NAMESPACES.stream().filter(name::startsWith).findFirst().orElse(null);
    int bytes = name.getBytes(StandardCharsets.UTF_8).length;
    if (namespace == null) {
      return Optional.of("xattr " + Abbreviated.of(name) + " has no namespace Linux knows (security., system., "
          + "trusted., user.)");
    } else if (name.length() == namespace.length()) {
      return Optional.of("xattr " + Abbreviated.of(name) + " has an empty name after its namespace");
    } else if (name.indexOf('\0') >= 0) {
      return Optional.of("xattr name " + Abbreviated.of(name) + " contains a NUL character");
    } else if (bytes > NAME_MAX) {
      return Optional.of("xattr name " + Abbreviated.of(name) + " is " + bytes + " bytes, longer than "
          + NAME_MAX + " (Linux's XATTR_NAME_MAX)");
    } else if (value.length > SIZE_MAX) {
      return Optional.of("xattr " + Abbreviated.of(name) + " has a value of " + value.length
          + " bytes, larger than " + SIZE_MAX + " (Linux's XATTR_SIZE_MAX)");
    }
    return Optional.empty();
  }

  /** The first {@link #linuxProblem} of a node's attributes, or empty. */
  public static Optional<String> linuxProblem(List<Xattr> xattrs) {
    for (Xattr x : xattrs) {
      Optional<String> p = x.linuxProblem();
      if (p.isPresent()) {
        return p;
      }
    }
    return Optional.empty();
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

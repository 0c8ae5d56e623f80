package io.cosbuild.rootfs.tree;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An absolute, normalised path inside an image: {@code "/"} or {@code "/a/b"}, no {@code .} or
 * {@code ..} components, no empty components, no NUL. Refusing {@code ..} at construction is what
 * keeps archive entries from leaving the image root. Immutable and thread-safe.
 */
public record FsPath(String value) implements Comparable<FsPath> {

  public static final FsPath ROOT = new FsPath("/");

  /** Orders names by their UTF-8 bytes, as squashfs and the kernel's directory lookups expect. */
  public static final Comparator<String> NAME_ORDER = FsPath::compareNames;

  public FsPath {
    if (value == null || !value.startsWith("/")) {
      throw new IllegalArgumentException("path must be absolute: " + value);
    }
    if (!value.equals("/")) {
      if (value.endsWith("/")) {
        throw new IllegalArgumentException("path must not end with '/': " + value);
      }
      for (String c : value.substring(1).split("/", -1)) {
        checkName(c, value);
      }
    }
  }

  /**
   * Parses a path as found in archives: leading {@code ./} and {@code /}, repeated and trailing
   * slashes and {@code .} components are dropped; {@code ..} is refused.
   */
  public static FsPath parse(String raw) {
    if (raw == null || raw.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("path contains NUL: " + raw);
    }
    StringBuilder sb = new StringBuilder();
    for (String c : raw.split("/")) {
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        throw new IllegalArgumentException("path has a '..' component: " + raw);
      }
      sb.append('/').append(c);
    }
    return sb.length() == 0 ? ROOT : new FsPath(sb.toString());
  }

  /** Checks that {@code name} is a single valid path component. */
  public static void checkName(String name, String context) {
    if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
        || name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("invalid path component '" + name + "' in " + context);
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > 255) {
      throw new IllegalArgumentException("name longer than 255 bytes in " + context);
    }
  }

  public boolean isRoot() {
    return value.equals("/");
  }

  /** The last component; empty for the root. */
  public String name() {
    return isRoot() ? "" : value.substring(value.lastIndexOf('/') + 1);
  }

  /** The parent directory; the root's parent is the root. */
  public FsPath parent() {
    int i = value.lastIndexOf('/');
    return i <= 0 ? ROOT : new FsPath(value.substring(0, i));
  }

  public FsPath resolve(String name) {
    checkName(name, value);
    return new FsPath(isRoot() ? "/" + name : value + "/" + name);
  }

  public List<String> components() {
    List<String> out = new ArrayList<>();
    if (!isRoot()) {
      for (String c : value.substring(1).split("/")) {
        out.add(c);
      }
    }
    return out;
  }

  public int depth() {
    return components().size();
  }

  public boolean startsWith(FsPath prefix) {
    return prefix.isRoot() || value.equals(prefix.value) || value.startsWith(prefix.value + "/");
  }

  /** This path without its leading slash, as tar and cpio store it; "." for the root. */
  public String relative() {
    return isRoot() ? "." : value.substring(1);
  }

  /** Orders paths component by component, each by UTF-8 bytes, so parents come before children. */
  @Override
  public int compareTo(FsPath o) {
    // Code point order is UTF-8 byte order; '/' ranks below every other character, which makes
    // the comparison component by component without splitting.
    String a = value;
    String b = o.value;
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int x = a.codePointAt(i);
      int y = b.codePointAt(j);
      if (x != y) {
        return Integer.compare(x == '/' ? -1 : x, y == '/' ? -1 : y);
      }
      i += Character.charCount(x);
      j += Character.charCount(y);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  private static int compareNames(String a, String b) {
    byte[] x = a.getBytes(StandardCharsets.UTF_8);
    byte[] y = b.getBytes(StandardCharsets.UTF_8);
    return java.util.Arrays.compareUnsigned(x, y);
  }

  @Override
  public String toString() {
    return value;
  }
}

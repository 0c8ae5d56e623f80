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
      // One pass without splitting: every tree operation constructs paths, so this is hot.
      int start = 1;
      for (int i = 1; i <= value.length(); i++) {
        if (i == value.length() || value.charAt(i) == '/') {
          checkName(value, start, i, value);
          start = i + 1;
        }
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
    if (name.indexOf('/') >= 0) {
      throw new IllegalArgumentException("invalid path component '" + name + "' in " + context);
    }
    checkName(name, 0, name.length(), context);
  }

  /** Checks {@code s[from, to)}, known to hold no '/', as a path component. */
  private static void checkName(String s, int from, int to, String context) {
    int n = to - from;
    if (n == 0 || (s.charAt(from) == '.' && (n == 1 || (n == 2 && s.charAt(from + 1) == '.')))) {
      throw new IllegalArgumentException("invalid path component '" + s.substring(from, to) + "' in " + context);
    }
    int utf8 = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '\0') {
        throw new IllegalArgumentException("invalid path component '" + s.substring(from, to) + "' in " + context);
      }
      // A surrogate pair is 4 bytes in UTF-8: 2 per half.
      utf8 += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
    }
    if (utf8 > 255) {
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
    // the comparison component by component without splitting. Paths in one tree share long
    // prefixes and tree maps compare them all the time: the common prefix is skipped char by char,
    // and only a difference at a surrogate needs the code point walk.
    String a = value;
    String b = o.value;
    int n = Math.min(a.length(), b.length());
    int k = 0;
    while (k < n && a.charAt(k) == b.charAt(k)) {
      k++;
    }
    if (k < n) {
      char x = a.charAt(k);
      char y = b.charAt(k);
      if (!Character.isSurrogate(x) && !Character.isSurrogate(y)) {
        return Integer.compare(x == '/' ? -1 : x, y == '/' ? -1 : y);
      }
    } else if (n == 0 || !Character.isHighSurrogate(a.charAt(n - 1))) {
      return Integer.compare(a.length(), b.length());
    }
    return compareByCodePoints(a, b);
  }

  private static int compareByCodePoints(String a, String b) {
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

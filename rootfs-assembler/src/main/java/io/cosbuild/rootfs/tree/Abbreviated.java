package io.cosbuild.rootfs.tree;

/**
 * A value quoted in an error message: at most its first 64 characters, with its length when cut, and
 * control characters as {@code \xNN}, so a hostile symlink target or xattr name keeps the message on
 * one short line.
 */
public final class Abbreviated {

  static final int KEEP = 64;

  private Abbreviated() {}

  /** {@code s} quoted: {@code 'abc'}, or {@code 'first 64...' (5000 characters)}. */
  public static String of(String s) {
    int end = s.length() <= KEEP ? s.length() : s.offsetByCodePoints(0, s.codePointCount(0, KEEP));
    StringBuilder b = new StringBuilder(end + 32).append('\'');
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c)) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    b.append('\'');
    return end == s.length() ? b.toString() : b.insert(b.length() - 1, "...") + " (" + s.length() + " characters)";
  }
}

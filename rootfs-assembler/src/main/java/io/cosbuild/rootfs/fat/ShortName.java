package io.cosbuild.rootfs.fat;

/**
 * An 8.3 name as FAT stores it without a long-name entry: 1 to 8 characters, optionally a dot and 1 to 3 more,
 * of upper-case A-Z, 0-9 and {@code !#$%&'()-@^_`{}~}. Lower case is refused, not folded: a name that does not
 * come back as it went in would break the paths the firmware and bootloaders look up. Immutable and thread-safe.
 *
 * @param value the name as in the tree, e.g. {@code BOOTX64.EFI}
 */
record ShortName(String value) {

  private static final String SPECIAL = "!#$%&'()-@^_`{}~";

  /** @throws IllegalArgumentException saying what is wrong with the name */
  ShortName {
    int dot = value.indexOf('.');
    String base = dot < 0 ? value : value.substring(0, dot);
    String extension = dot < 0 ? "" : value.substring(dot + 1);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c >= 'a' && c <= 'z') {
        throw new IllegalArgumentException("\"" + value + "\" has lower case");
      }
      if (!(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') && SPECIAL.indexOf(c) < 0 && c != '.') {
        throw new IllegalArgumentException("\"" + value + "\" has '" + c + "'");
      }
    }
    if (extension.indexOf('.') >= 0) {
      throw new IllegalArgumentException("\"" + value + "\" has more than one dot");
    }
    if (base.isEmpty() || base.length() > 8) {
      throw new IllegalArgumentException("\"" + value + "\" has " + base.length() + " characters before the dot");
    }
    if (dot >= 0 && (extension.isEmpty() || extension.length() > 3)) {
      throw new IllegalArgumentException("\"" + value + "\" has " + extension.length() + " characters after the dot");
    }
  }

  /** The 11 characters of a directory entry: the name and the extension, each padded with spaces. */
  String padded() {
    int dot = value.indexOf('.');
    return dot < 0 ? String.format("%-11s", value) : String.format("%-8s%-3s", value.substring(0, dot),
        value.substring(dot + 1));
  }
}

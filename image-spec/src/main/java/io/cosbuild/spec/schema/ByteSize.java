package io.cosbuild.spec.schema;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as written in profiles: a whole number with an optional unit. {@code K}, {@code M},
 * {@code G}, {@code T} and {@code KiB}…{@code TiB} are powers of 1024; {@code KB}…{@code TB} are
 * powers of 1000; no unit (or {@code B}) means bytes.
 */
public final class ByteSize {

  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMGT])?(I)?(B)?");

  private ByteSize() {}

  public static long parse(String text) {
    Matcher m = SIZE.matcher(text.trim().toUpperCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a size (e.g. 512MiB, 4G, 1000000)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2);
    if (unit == null && m.group(3) != null) {
      throw new IllegalArgumentException("'" + text + "' is not a size (e.g. 512MiB, 4G, 1000000)");
    }
    boolean binary = m.group(3) != null || m.group(4) == null;
    if (unit == null) {
      return n;
    }
    int power = "KMGT".indexOf(unit) + 1;
    long base = binary ? 1024 : 1000;
    long mult = 1;
    for (int i = 0; i < power; i++) {
      mult *= base;
    }
    try {
      return Math.multiplyExact(n, mult);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is too large", e);
    }
  }

  /** Formats a byte count the way profiles write it, e.g. 512MiB, or plain bytes. */
  public static String format(long bytes) {
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    String out = Long.toString(bytes);
    long v = bytes;
    for (String u : units) {
      if (v == 0 || v % 1024 != 0) {
        break;
      }
      v /= 1024;
      out = v + u;
    }
    return out;
  }
}

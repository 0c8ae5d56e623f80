package io.cosbuild.disk.layout;

import io.cosbuild.disk.DiskImageException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes with units, as profiles write them.
 *
 * <p>Unit rule: a plain number or {@code B} is bytes; {@code K}, {@code M}, {@code G}, {@code T} and their
 * {@code KiB}, {@code MiB}, {@code GiB}, {@code TiB} spellings are powers of 1024 (as in sgdisk, sfdisk and
 * systemd-repart); {@code KB}, {@code MB}, {@code GB}, {@code TB} are powers of 1000 (as in coreutils). Units
 * are case-insensitive, a space between number and unit is allowed, the number is a non-negative integer.
 */
public final class Sizes {
  public static final long MIB = 1L << 20;
  private static final Pattern SIZE = Pattern.compile("\\s*(\\d+)\\s*([a-zA-Z]*)\\s*");

  private Sizes() {}

  public static long parse(String text) throws DiskImageException {
    Matcher m = SIZE.matcher(text);
    if (!m.matches()) {
      throw new DiskImageException("size '" + text + "' is not a number with an optional unit (e.g. 512M, 2GiB)");
    }
    long multiplier;
    switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "":
      case "b":
        multiplier = 1;
        break;
      case "k":
      case "kib":
        multiplier = 1L << 10;
        break;
      case "m":
      case "mib":
        multiplier = 1L << 20;
        break;
      case "g":
      case "gib":
        multiplier = 1L << 30;
        break;
      case "t":
      case "tib":
        multiplier = 1L << 40;
        break;
      case "kb":
        multiplier = 1000L;
        break;
      case "mb":
        multiplier = 1000_000L;
        break;
      case "gb":
        multiplier = 1000_000_000L;
        break;
      case "tb":
        multiplier = 1000_000_000_000L;
        break;
      default:
        throw new DiskImageException("size '" + text + "' has unknown unit '" + m.group(2)
            + "': use B, K/KiB, M/MiB, G/GiB, T/TiB (1024-based) or KB, MB, GB, TB (1000-based)");
    }
    try {
      return Math.multiplyExact(Long.parseLong(m.group(1)), multiplier);
    } catch (ArithmeticException | NumberFormatException e) {
      throw new DiskImageException("size '" + text + "' is too large", e);
    }
  }

  /** Rounds up to a multiple of {@code unit}, refusing overflow. */
  public static long alignUp(long value, long unit) throws DiskImageException {
    long r = value % unit;
    if (r == 0) {
      return value;
    }
    try {
      return Math.addExact(value, unit - r);
    } catch (ArithmeticException e) {
      throw new DiskImageException("size " + value + " is too large to align to " + unit, e);
    }
  }

  /** Human form for messages: the exact byte count plus MiB. */
  public static String describe(long bytes) {
    return bytes + " bytes (" + String.format(Locale.ROOT, "%.1f", bytes / (double) MIB) + " MiB)";
  }
}

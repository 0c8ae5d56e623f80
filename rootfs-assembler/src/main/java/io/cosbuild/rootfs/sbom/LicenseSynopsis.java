package io.cosbuild.rootfs.sbom;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Parses the first line of a {@code License:} field of a machine-readable copyright file (copyright-format
 * 1.0, section 7.2) into an {@link SpdxExpression}. Short names are joined by {@code or} (a choice) and
 * {@code and} (all apply); {@code and} binds tighter than {@code or} unless a comma precedes it:
 * {@code A or B and C} is {@code A or (B and C)}, {@code A or B, and C} is {@code (A or B) and C}. So a comma
 * followed by a conjunction binds loosest of all ({@code , or} looser than {@code , and}, as without commas),
 * and a comma followed by anything else has no meaning in the format: the synopsis is refused. A short name
 * may be followed by {@code with <keyword> exception}. Conjunctions and {@code with} are matched without
 * regard to case, as the format's short names are. Parentheses are no part of the syntax and are refused.
 * Stateless.
 */
final class LicenseSynopsis {

  private LicenseSynopsis() {}

  /**
   * @param standaloneText the text of the file's stand-alone License paragraph for a short name (with its
   *     exception), or {@code null}
   * @return empty when the synopsis does not follow the format
   */
  static Optional<SpdxExpression> parse(String synopsis, Function<String, String> standaloneText) {
    List<String> tokens = new ArrayList<>();
    for (String t : synopsis.strip().split("\\s+")) {
      // A comma ends the word before it: "GPL-2+," is a name and a comma.
      int start = 0;
      for (int i = 0; i < t.length(); i++) {
        if (t.charAt(i) == ',') {
          if (i > start) {
            tokens.add(t.substring(start, i));
          }
          tokens.add(",");
          start = i + 1;
        }
      }
      if (start < t.length()) {
        tokens.add(t.substring(start));
      }
    }
    for (int i = 0; i < tokens.size(); i++) {
      if (tokens.get(i).equals(",") && (i == 0 || i + 1 == tokens.size() || !(is(tokens.get(i + 1), "and")
          || is(tokens.get(i + 1), "or")))) {
        return Optional.empty();
      }
    }
    return expression(tokens, 0, standaloneText);
  }

  /** Precedence levels, loosest first: {@code , or}, {@code , and}, {@code or}, {@code and}. */
  private static Optional<SpdxExpression> expression(List<String> tokens, int level, Function<String, String> texts) {
    if (level == 4) {
      return name(tokens, texts);
    }
    String conjunction = level % 2 == 0 ? "or" : "and";
    boolean comma = level < 2;
    List<SpdxExpression> operands = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= tokens.size(); i++) {
      boolean split = i < tokens.size() && is(tokens.get(i), conjunction)
          && (i > 0 && tokens.get(i - 1).equals(",")) == comma;
      if (i == tokens.size() || split) {
        int end = split && comma ? i - 1 : i;
        if (end <= start) {
          return Optional.empty();
        }
        Optional<SpdxExpression> o = expression(tokens.subList(start, end), level + 1, texts);
        if (o.isEmpty()) {
          return Optional.empty();
        }
        operands.add(o.get());
        start = i + 1;
      }
    }
    if (operands.size() == 1) {
      return Optional.of(operands.get(0));
    }
    return Optional.of(conjunction.equals("or") ? new SpdxExpression.Or(operands) : new SpdxExpression.And(operands));
  }

  /** {@code NAME} or {@code NAME with KEYWORD... exception} ({@code exception} may be left out after one keyword). */
  private static Optional<SpdxExpression> name(List<String> tokens, Function<String, String> texts) {
    String license = tokens.get(0);
    if (!word(license)) {
      return Optional.empty();
    }
    String exception = null;
    if (tokens.size() > 1) {
      if (!is(tokens.get(1), "with")) {
        return Optional.empty(); // two names without a conjunction, e.g. "BSD (3 clause)"
      }
      int end = is(tokens.get(tokens.size() - 1), "exception") ? tokens.size() - 1 : tokens.size();
      List<String> keyword = tokens.subList(2, end);
      if (keyword.isEmpty() || (end == tokens.size() && keyword.size() > 1) || !keyword.stream().allMatch(LicenseSynopsis::word)) {
        return Optional.empty();
      }
      exception = String.join(" ", keyword);
    }
    String written = String.join(" ", tokens);
    return Optional.of(SpdxLicenseTable.map(license, exception, written, texts.apply(key(written))));
  }

  /** A short name or exception keyword: no parenthesis, and not a word of the syntax. */
  private static boolean word(String t) {
    return t.indexOf('(') < 0 && t.indexOf(')') < 0 && !t.equals(",")
        && !is(t, "and") && !is(t, "or") && !is(t, "with") && !is(t, "exception");
  }

  private static boolean is(String token, String word) {
    return token.equalsIgnoreCase(word);
  }

  /** How short names are compared: without regard to case, runs of white space as one space. */
  static String key(String synopsis) {
    return String.join(" ", synopsis.strip().split("\\s+")).toLowerCase(Locale.ROOT);
  }
}

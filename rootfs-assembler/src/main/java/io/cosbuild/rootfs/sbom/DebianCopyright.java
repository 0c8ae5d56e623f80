package io.cosbuild.rootfs.sbom;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A machine-readable Debian copyright file (copyright-format 1.0, the format drafted as DEP-5): the
 * synopses of its {@code License:} fields that declare licences (the header's, if any, and every
 * Files paragraph's, in file order) and the texts of its stand-alone License paragraphs. Immutable.
 *
 * <p>Only files whose first paragraph's {@code Format:} names copyright-format 1.0
 * ({@code http} or {@code https}, with or without the final slash) are read. Older drafts
 * ({@code Format-Specification:}, or a {@code Format:} naming a DEP-5 draft) are not: their licence
 * syntax and short names changed between revisions, so they cannot be read faithfully as 1.0.
 */
record DebianCopyright(List<String> licenses, Map<String, String> texts) {

  private static final Pattern FORMAT_1_0 =
      Pattern.compile("https?://www\\.debian\\.org/doc/packaging-manuals/copyright-format/1\\.0/?");

  /**
   * @param licenses the first line of each declaring {@code License:} field, in file order
   * @param texts stand-alone License paragraph texts by synopsis ({@link LicenseSynopsis#key})
   */
  DebianCopyright {
    licenses = List.copyOf(licenses);
    texts = java.util.Collections.unmodifiableMap(new TreeMap<>(texts));
  }

  /**
   * Parses {@code text}; empty when it is not a copyright-format 1.0 file, or breaks the control-file
   * syntax (Debian Policy 5.1), or lacks a Files paragraph, or has a Files paragraph without a licence.
   */
  static Optional<DebianCopyright> parse(String text) {
    Optional<List<Map<String, String>>> parsed = paragraphs(text);
    if (parsed.isEmpty() || parsed.get().isEmpty()) {
      return Optional.empty();
    }
    List<Map<String, String>> paragraphs = parsed.get();
    String format = paragraphs.get(0).get("format");
    if (format == null || !FORMAT_1_0.matcher(firstLine(format)).matches()) {
      return Optional.empty();
    }
    List<String> licenses = new ArrayList<>();
    Map<String, String> texts = new TreeMap<>();
    int filesParagraphs = 0;
    for (int i = 0; i < paragraphs.size(); i++) {
      Map<String, String> p = paragraphs.get(i);
      String license = p.get("license");
      boolean files = p.containsKey("files");
      filesParagraphs += files ? 1 : 0;
      if (license == null) {
        if (files) {
          return Optional.empty(); // files whose licence the file does not say
        }
        continue;
      }
      String synopsis = firstLine(license);
      if (synopsis.isEmpty() && i == 0 && !files) {
        continue; // a header's summary in prose (liblzma5): it names no licence, and the Files paragraphs do
      }
      if (synopsis.isEmpty()) {
        return Optional.empty();
      }
      if (i == 0 || files) {
        licenses.add(synopsis);
      } else {
        String body = body(license);
        if (!body.isEmpty()) {
          texts.putIfAbsent(LicenseSynopsis.key(synopsis), body);
        }
      }
    }
    return filesParagraphs == 0 ? Optional.empty() : Optional.of(new DebianCopyright(licenses, texts));
  }

  /**
   * The licences the file declares, as one SPDX expression (the AND of every declaring field); empty when
   * a synopsis does not follow the licence syntax.
   */
  Optional<SpdxExpression> declared() {
    List<SpdxExpression> all = new ArrayList<>();
    for (String synopsis : licenses) {
      Optional<SpdxExpression> e = LicenseSynopsis.parse(synopsis, texts::get);
      if (e.isEmpty()) {
        return Optional.empty();
      }
      all.add(e.get());
    }
    return Optional.of(new SpdxExpression.And(all));
  }

  /**
   * The paragraphs, field names in lower case (they are case-insensitive), each value its first line
   * (stripped) and continuation lines (verbatim) joined by newlines. Paragraphs are separated by lines
   * that are empty or white space only; lines starting with {@code #} are skipped. A field given twice in
   * a paragraph keeps its first value, unless it is one this class reads: then the file is refused.
   */
  private static Optional<List<Map<String, String>>> paragraphs(String text) {
    List<Map<String, String>> out = new ArrayList<>();
    Map<String, String> current = new LinkedHashMap<>();
    String field = null;
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    for (String line : text.replace("\r\n", "\n").split("\n", -1)) {
      if (line.isBlank()) {
        if (!current.isEmpty()) {
          out.add(current);
          current = new LinkedHashMap<>();
          field = null;
        }
      } else if (line.startsWith("#")) {
        continue;
      } else if (line.startsWith(" ") || line.startsWith("\t")) {
        if (field == null) {
          return Optional.empty();
        }
        current.put(field, current.get(field) + "\n" + line);
      } else {
        int colon = line.indexOf(':');
        if (colon <= 0 || line.substring(0, colon).chars().anyMatch(Character::isWhitespace)) {
          return Optional.empty();
        }
        field = line.substring(0, colon).toLowerCase(Locale.ROOT);
        if (current.putIfAbsent(field, line.substring(colon + 1).strip()) != null
            && (field.equals("files") || field.equals("license") || field.equals("format"))) {
          return Optional.empty(); // which of the two would apply?
        }
      }
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return Optional.of(out);
  }

  private static String firstLine(String value) {
    int nl = value.indexOf('\n');
    return (nl < 0 ? value : value.substring(0, nl)).strip();
  }

  /**
   * The continuation lines of a formatted-text field as text: the one leading space removed, a lone
   * {@code .} an empty line, trailing white space and surrounding empty lines dropped.
   */
  private static String body(String value) {
    int nl = value.indexOf('\n');
    if (nl < 0) {
      return "";
    }
    List<String> lines = new ArrayList<>();
    for (String l : value.substring(nl + 1).split("\n", -1)) {
      String s = l.substring(1).stripTrailing();
      lines.add(s.equals(".") ? "" : s);
    }
    while (!lines.isEmpty() && lines.get(0).isBlank()) {
      lines.remove(0);
    }
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
      lines.remove(lines.size() - 1);
    }
    return String.join("\n", lines);
  }
}

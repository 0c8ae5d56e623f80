package io.cosbuild.rootfs.dpkg;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses and formats one deb822 stanza (a {@code DEBIAN/control} file, a {@code status} entry).
 * Field order is kept; a multi-line value keeps its continuation lines verbatim (each starting
 * with a space), so writing the stanza back gives the package's own text. Stateless.
 */
public final class ControlStanza {

  private ControlStanza() {}

  /** Parses a single stanza; {@code where} names the source for error messages. */
  public static Map<String, String> parse(String text, String where) throws PackageException {
    Map<String, String> out = new LinkedHashMap<>();
    String key = null;
    StringBuilder value = null;
    int lineNo = 0;
    for (String line : text.split("\n", -1)) {
      lineNo++;
      if (line.isEmpty()) {
        if (!out.isEmpty() || key != null) {
          // A blank line ends the stanza; control files have only one.
          break;
        }
        continue;
      }
      if (line.startsWith(" ") || line.startsWith("\t")) {
        if (key == null) {
          throw new PackageException(where + ": line " + lineNo + " continues a field that was never started");
        }
        value.append('\n').append(line);
        continue;
      }
      if (key != null) {
        out.put(key, value.toString());
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new PackageException(where + ": line " + lineNo + " is not 'Field: value': " + line);
      }
      key = line.substring(0, colon);
      if (out.containsKey(key)) {
        throw new PackageException(where + ": field " + key + " appears twice");
      }
      value = new StringBuilder(line.substring(colon + 1).strip());
    }
    if (key != null) {
      out.put(key, value.toString());
    }
    return out;
  }

  /** Formats {@code fields} as a stanza ending in a newline (no blank line). */
  public static String format(Map<String, String> fields) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> e : fields.entrySet()) {
      sb.append(e.getKey()).append(':');
      if (!e.getValue().isEmpty() && !e.getValue().startsWith("\n")) {
        sb.append(' ');
      }
      sb.append(e.getValue()).append('\n');
    }
    return sb.toString();
  }
}

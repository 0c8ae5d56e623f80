package io.cosbuild.cli.boot;

/**
 * Words added to a kernel command line (cosbuild boot --append). The kernel splits its command line
 * at spaces outside double quotes, so a word with a space, an odd quote or a control character
 * would become several parameters, or swallow the words after it: each must stay exactly one
 * parameter. Stateless.
 */
public final class KernelWords {

  private KernelWords() {}

  /**
   * {@code word}, when the kernel reads it as one parameter: not empty, no control characters, and
   * spaces only inside a pair of double quotes ({@code dyndbg="file x +p"}).
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  public static String check(String word) {
    if (word.isEmpty()) {
      throw new IllegalArgumentException("--append needs a word, not an empty one");
    }
    boolean quoted = false;
    for (int i = 0; i < word.length(); i++) {
      char c = word.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (Character.isISOControl(c)) {
        throw new IllegalArgumentException(String.format("--append word has a control character (U+%04X) at %d: %s",
            (int) c, i, word.replaceAll("\\p{Cntrl}", "?")));
      } else if (c == ' ' && !quoted) {
        throw new IllegalArgumentException("--append '" + word + "' is several kernel parameters: give one per --append,"
            + " or put a value with spaces in double quotes (KEY=\"a b\")");
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("--append '" + word + "' has an unpaired double quote: the kernel would"
          + " read the words after it as part of it");
    }
    return word;
  }
}

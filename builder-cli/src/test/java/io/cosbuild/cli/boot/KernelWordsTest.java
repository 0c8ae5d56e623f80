package io.cosbuild.cli.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KernelWordsTest {

  @Test
  void oneParameterPassesAsItIs() {
    for (String w : new String[] {"cosbuild.selftest=1", "quiet", "dyndbg=\"file x +p\"", "\"a b\"", "x=\"\""}) {
      assertEquals(w, KernelWords.check(w));
    }
  }

  @Test
  void aWordTheKernelWouldSplitOrThatWouldSwallowTheNextIsRefused() {
    assertTrue(refusal("a b").contains("several kernel parameters"));
    assertTrue(refusal("x=\"cosbuild: ready").contains("unpaired double quote"));
    assertTrue(refusal("a=\"b\" c").contains("several kernel parameters"));
    assertTrue(refusal("").contains("not an empty one"));
  }

  @Test
  void controlCharactersAreRefusedAndShownEscaped() {
    String m = refusal("a\nroot=/dev/sda");
    assertTrue(m.contains("U+000A") && m.contains("a?root=/dev/sda") && !m.contains("\n"), m);
    assertTrue(refusal("a\tb").contains("U+0009"));
  }

  private static String refusal(String word) {
    return assertThrows(IllegalArgumentException.class, () -> KernelWords.check(word)).getMessage();
  }
}

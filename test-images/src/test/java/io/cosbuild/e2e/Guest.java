package io.cosbuild.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the end-to-end tests read off a guest's console. */
final class Guest {

  static final String READY = "cosbuild: ready";

  private Guest() {}

  /** The minimal init's self-test ran, every check passed, and at least {@code min} checks ran. */
  static void assertSelfTestPassed(String console, int min) {
    Matcher m = Pattern.compile("cosbuild-selftest: (\\d+) passed, (\\d+) failed").matcher(console);
    assertTrue(m.find(), "no self-test summary on the console:\n" + console);
    assertEquals("0", m.group(2), "failed self-test checks:\n" + console);
    assertTrue(Integer.parseInt(m.group(1)) >= min, console);
  }
}

package io.cosbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Options the profile decides are refused with --profile, before any repository is asked. */
class PackagesCommandTest {

  @BeforeAll
  static void shippedProfiles() {
    System.setProperty("cosbuild.home", Path.of("..").toAbsolutePath().normalize().toString());
  }

  @Test
  void profileDecidedOptionsAreRefusedNamingThem() {
    MainTest.Result r = MainTest.run("packages", "resolve", "--profile", "minimal", "--deny", "busybox-static", "--essential",
        "--keyring", "/nonexistent.gpg", "--mirror", "http://127.0.0.1:9/");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith("cosbuild packages resolve: --deny, --essential, --keyring do not combine with --profile"),
        r.err());
    for (String o : new String[] {"--exclude=x", "--with-recommends", "--release=trixie"}) {
      r = MainTest.run("packages", "resolve", "--profile", "minimal", o, "--mirror", "http://127.0.0.1:9/");
      assertEquals(2, r.code(), o + ": " + r.err());
      assertTrue(r.err().contains(o.replaceAll("=.*", "") + " does not combine with --profile"), r.err());
    }
  }
}

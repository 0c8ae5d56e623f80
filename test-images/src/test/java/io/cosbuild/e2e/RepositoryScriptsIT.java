package io.cosbuild.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * shellcheck finds nothing in the checkout's own shell scripts: the launcher, the test and CI entry
 * points, the benchmarks and the profiles' guest scripts (the generated /init is checked in
 * InitramfsIT).
 */
class RepositoryScriptsIT {

  @Test
  void shellcheckFindsNothing() throws Exception {
    Path checkout = Path.of("..").toAbsolutePath().normalize();
    List<String> cmd = new ArrayList<>(List.of("shellcheck"));
    for (String dir : new String[] {".", "scripts", ".ci", "bench", "profiles/files"}) {
      try (Stream<Path> s = Files.list(checkout.resolve(dir))) {
        s.filter(Files::isRegularFile).filter(RepositoryScriptsIT::isShellScript).sorted()
            .forEach(p -> cmd.add(p.normalize().toString()));
      }
    }
    assertTrue(cmd.contains(checkout.resolve("cosbuild").toString()) && cmd.size() >= 8, cmd.toString());
    Tools.Result r = Tools.run(cmd.toArray(String[]::new));
    assertEquals(0, r.code(), r.out() + r.err());
  }

  private static boolean isShellScript(Path p) {
    try (var in = Files.newBufferedReader(p)) {
      String first = in.readLine();
      return first != null && first.startsWith("#!") && (first.endsWith("sh") || first.endsWith("bash"));
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      return false; // not text: no script
    }
  }
}

package io.cosbuild.rootfs.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XattrTest {

  @TempDir Path tmp;

  private static Xattr x(String name, int valueBytes) {
    return new Xattr(name, "v".repeat(valueBytes).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * setfattr on a real file is the judge: the kernel refuses a name over 255 bytes (ERANGE), an empty
   * name after the prefix (EINVAL), an unknown namespace (EOPNOTSUPP) and a value over 65536 bytes
   * (E2BIG) before any filesystem sees them; "No space left" is the filesystem's own limit, not Linux's.
   */
  @Test
  void linuxProblemsAreWhatTheKernelRefuses() throws Exception {
    Path f = Files.writeString(tmp.resolve("f"), "x");
    Assumptions.assumeTrue(setfattr(f, x("user.probe", 1)).isEmpty(), "SKIPPED: no user xattrs on " + tmp);
    List<Xattr> cases = List.of(x("user." + "n".repeat(250), 1), x("user." + "n".repeat(251), 1),
        x("trusted." + "n".repeat(248), 1), x("user.", 1), x("security.", 1), x("foo.bar", 1),
        x("user.empty", 0), x("user.max", 65536), x("user.over", 65537));
    List<String> disagreements = new ArrayList<>();
    for (Xattr a : cases) {
      Optional<String> kernel = setfattr(f, a);
      boolean kernelRefuses = kernel.isPresent() && !kernel.get().contains("No space left");
      if (kernelRefuses != a.linuxProblem().isPresent()) {
        disagreements.add(a.name().length() + " chars " + Abbreviated.of(a.name()) + ", value " + a.size()
            + ": kernel " + kernel.orElse("ok") + ", ours " + a.linuxProblem().orElse("ok"));
      }
    }
    assertEquals(List.of(), disagreements);
  }

  @Test
  void nameLengthCountsUtf8BytesAndMessagesStayShort() {
    assertEquals(Optional.empty(), x("user.\u00e9" + "n".repeat(248), 1).linuxProblem()); // 255 bytes
    String tooLong = x("user.\u00e9" + "n".repeat(249), 1).linuxProblem().orElseThrow();
    assertTrue(tooLong.contains("256 bytes") && tooLong.contains("255"), tooLong);
    String huge = x("user." + "n".repeat(5000), 1).linuxProblem().orElseThrow();
    assertTrue(huge.length() < 200 && huge.contains("5005 characters"), huge);
    String big = x("user.big", 70000).linuxProblem().orElseThrow();
    assertTrue(big.contains("70000 bytes") && big.contains("65536") && big.length() < 200, big);
    assertTrue(Xattr.linuxProblem(List.of(x("user.ok", 0), x("user.", 0))).orElseThrow().contains("empty name"));
  }

  /** The kernel's error for setting {@code a} on {@code f}, or empty when it was set. */
  private static Optional<String> setfattr(Path f, Xattr a) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("setfattr", "-n", a.name()));
    if (a.size() > 0) {
      cmd.addAll(List.of("-v", new String(a.value(), StandardCharsets.UTF_8)));
    }
    cmd.add(f.toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    return p.waitFor() == 0 ? Optional.empty() : Optional.of(out);
  }
}

package io.cosbuild.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cosbuild.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs cosbuild in-process and the reference tools as processes, for the end-to-end tests. */
final class Tools {

  private Tools() {}

  record Result(int code, String out, String err) {}

  static {
    System.setProperty("cosbuild.home", Path.of("..").toAbsolutePath().normalize().toString());
  }

  /** {@code cosbuild ARGS} in this JVM. */
  static Result cosbuild(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /**
   * {@code cosbuild ARGS} as another machine would run it, for determinism checks: a JVM of its own with one
   * processor (other thread counts and scheduling in the parallel writers), another time zone, a umask of 077,
   * {@code cwd} as working directory. Stdin from /dev/null; stdout and stderr together in {@code out} (through
   * a file in {@code cwd}, so that a hung build meets the time limit instead of a blocked read).
   */
  static Result cosbuildElsewhere(Path cwd, String... args) throws IOException, InterruptedException {
    List<String> cmd = list("sh", "-c", "umask 077 && exec \"$@\"", "sh");
    cmd.addAll(cosbuildCommand("-XX:ActiveProcessorCount=1", args));
    Path log = cwd.resolve("cosbuild.log");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().put("TZ", "Pacific/Chatham");
    Process p = pb.start();
    if (!p.waitFor(20, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException("timed out: cosbuild " + Arrays.toString(args) + "\n" + java.nio.file.Files.readString(log));
    }
    return new Result(p.exitValue(), java.nio.file.Files.readString(log), "");
  }

  /** Asserts that every regular file in {@code a} has the same bytes as the file of its name in {@code b}. */
  static void assertSameOutputs(Path a, Path b) throws IOException, InterruptedException {
    try (var files = java.nio.file.Files.list(a)) {
      for (Path f : files.filter(java.nio.file.Files::isRegularFile).sorted().toList()) {
        assertEquals(ok("sha256sum", f.toString()).split(" ")[0],
            ok("sha256sum", b.resolve(f.getFileName()).toString()).split(" ")[0], f.getFileName().toString());
      }
    }
  }

  /**
   * {@code cosbuild ARGS} in a JVM of its own (to signal it): stdin from /dev/null, stdout discarded,
   * stderr a pipe.
   */
  static Process cosbuildProcess(String... args) throws IOException {
    return new ProcessBuilder(cosbuildCommand(null, args)).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }
  /** The command line of {@code cosbuild ARGS} in a JVM of its own, with one JVM option or none. */
  private static List<String> cosbuildCommand(String jvmOption, String... args) {
    List<String> cmd = list(ProcessHandle.current().info().command().orElse("java"));
    if (jvmOption != null) {
      cmd.add(jvmOption);
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "-Dcosbuild.home=" + System.getProperty("cosbuild.home"),
        Main.class.getName()));
    cmd.addAll(Arrays.asList(args));
    return cmd;
  }


  /** A reference tool; fails the test when it cannot be started (the test command installs it). */
  static Result run(String... cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + Arrays.toString(cmd));
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }

  static String ok(String... cmd) throws IOException, InterruptedException {
    Result r = run(cmd);
    assertEquals(0, r.code(), String.join(" ", cmd) + " failed:\n" + r.out() + r.err());
    return r.out();
  }

  static List<String> list(String... items) {
    return new ArrayList<>(Arrays.asList(items));
  }
}

package io.cosbuild.cli.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cosbuild boot with the real QEMU on an output directory it cannot boot (an empty kernel): QEMU's
 * own error is reported as such and never taken for the guest's console, and its failure is the
 * command's failure, with and without --expect. Also: no QEMU on the PATH is a usage error, and a
 * cosbuild killed by SIGKILL takes its QEMU with it.
 */
class BootCommandIT {

  record Result(int code, String out, String err) {}

  @TempDir Path dir;

  @BeforeEach
  void emptyOutput() throws Exception {
    for (String f : new String[] {"disk.raw", "vmlinuz", "initrd.img"}) {
      Files.writeString(dir.resolve(f), "");
    }
    Files.writeString(dir.resolve("manifest.json"), "{\"arch\":\"x86_64\",\"kernelCommandLine\":\"console=ttyS0\"}");
  }

  static Result boot(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] all = new String[args.length + 1];
    all[0] = "boot";
    System.arraycopy(args, 0, all, 1, args.length);
    // Without --expect the command forwards stdin to the guest; this JVM's stdin carries the test runner's own commands
    // (its exit handshake among them), so the command gets an empty one.
    InputStream stdin = System.in;
    System.setIn(new ByteArrayInputStream(new byte[0]));
    int code;
    try {
      code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
          all);
    } finally {
      System.setIn(stdin);
    }
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void qemusOwnErrorIsNotTheConsoleAndFailsTheBoot() {
    // "qemu" is in QEMU's error message ("qemu: could not load kernel ..."), never on a console here.
    Result r = boot(dir.toString(), "--accel", "tcg", "--expect", "qemu", "--timeout", "60");
    assertEquals(Main.FAILED, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("cosbuild boot: qemu: ") && r.err().contains("could not load kernel"), r.err());
    assertTrue(r.err().contains("QEMU exited (exit code 1)"), r.err());
    assertFalse(r.err().contains("found"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void withoutExpectQemusFailureIsTheCommandsFailure() {
    Result r = boot(dir.toString(), "--accel", "tcg", "--timeout", "60");
    assertEquals(Main.FAILED, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("could not load kernel") && r.err().contains("QEMU failed (exit code 1)"), r.err());
  }

  @Test
  void noQemuOnThePathIsAUsageErrorNamingIt() throws Exception {
    ProcessBuilder pb = bootInItsOwnJvm("--expect", "x");
    pb.environment().put("PATH", dir.toString());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(Main.USAGE, p.exitValue(), output);
    assertTrue(output.contains("qemu-system-x86_64 is not on the PATH") && output.contains("apt-get install qemu-system-x86"),
        output);
  }

  @Test
  void qemuEndsWhenCosbuildIsKilled() throws Exception {
    // A stand-in QEMU that says where it is and then waits, as a guest that never finishes would.
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path pidFile = dir.resolve("qemu.pid");
    Path fake = bin.resolve("qemu-system-x86_64");
    Files.writeString(fake, "#!/bin/sh\necho $$ > " + pidFile + ".part && mv " + pidFile + ".part " + pidFile
        + "\nexec sleep 600\n");
    fake.toFile().setExecutable(true);
    ProcessBuilder pb = bootInItsOwnJvm("--accel", "tcg", "--expect", "never printed", "--timeout", "600");
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    pb.redirectErrorStream(true);
    pb.redirectOutput(dir.resolve("cosbuild.log").toFile());
    Process cosbuild = pb.start();
    long qemu = -1;
    try {
      for (int i = 0; i < 600 && !Files.exists(pidFile); i++) {
        assertTrue(cosbuild.isAlive(), () -> "cosbuild ended before starting QEMU: " + read(dir.resolve("cosbuild.log")));
        Thread.sleep(100);
      }
      qemu = Long.parseLong(Files.readString(pidFile).strip());
      assertTrue(running(qemu), "the stand-in QEMU runs");
      cosbuild.destroyForcibly(); // SIGKILL: no shutdown hook runs
      assertTrue(cosbuild.waitFor(60, TimeUnit.SECONDS));
      for (int i = 0; i < 100 && running(qemu); i++) {
        Thread.sleep(100);
      }
      assertFalse(running(qemu), "QEMU outlived the cosbuild that started it");
    } finally {
      cosbuild.destroyForcibly();
      if (qemu > 0) {
        ProcessHandle.of(qemu).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  /** {@code cosbuild boot DIR ARGS} in a JVM of its own, stdin from /dev/null. */
  private ProcessBuilder bootInItsOwnJvm(String... args) {
    List<String> cmd = new java.util.ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
        System.getProperty("java.class.path"), Main.class.getName(), "boot", dir.toString()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
  }

  /** Alive and not a zombie: an orphan's exit is reaped by whoever adopts it, which may be nobody here. */
  private static boolean running(long pid) throws java.io.IOException {
    Path stat = Path.of("/proc/" + pid + "/stat");
    String s;
    try {
      s = Files.readString(stat);
    } catch (java.nio.file.NoSuchFileException e) {
      return false;
    }
    char state = s.charAt(s.lastIndexOf(')') + 2);
    return state != 'Z' && state != 'X';
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      return "(no log: " + e + ")";
    }
  }
}

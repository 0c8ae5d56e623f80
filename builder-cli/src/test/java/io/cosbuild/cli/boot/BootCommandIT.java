package io.cosbuild.cli.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.cli.Main;
import java.io.ByteArrayOutputStream;
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
 * command's failure, with and without --expect. Also: no QEMU on the PATH is a usage error.
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
    int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), all);
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
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "boot", dir.toString(), "--expect", "x"));
    pb.environment().put("PATH", dir.toString());
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(Main.USAGE, p.exitValue(), output);
    assertTrue(output.contains("qemu-system-x86_64 is not on the PATH") && output.contains("apt-get install qemu-system-x86"),
        output);
  }
}

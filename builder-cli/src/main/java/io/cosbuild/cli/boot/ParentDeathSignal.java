package io.cosbuild.cli.boot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Ties a child process's life to cosbuild's: the command runs under util-linux's {@code setpriv
 * --pdeathsig TERM}, so the kernel sends the child SIGTERM when cosbuild dies, even by SIGKILL (a CI
 * job's timeout), when no shutdown hook runs. Otherwise QEMU would go on emulating a guest, at 100% of
 * a core, with nobody reading its console. QEMU ends cleanly on SIGTERM.
 *
 * <p>The kernel sends the signal when the thread that started the child ends, so the caller must start it
 * from a thread that outlives it (cosbuild starts QEMU from the command's own thread). Without a {@code
 * setpriv} that knows {@code --pdeathsig} (util-linux before 2.33) the command runs as given. Stateless;
 * the probe's answer is kept for the process.
 */
final class ParentDeathSignal {

  private static volatile Path setpriv;
  private static volatile boolean probed;

  private ParentDeathSignal() {}

  /** {@code command} prefixed with {@code setpriv --pdeathsig TERM --} where that works. */
  static List<String> wrap(List<String> command) {
    Path p = setpriv();
    if (p == null) {
      return command;
    }
    List<String> c = new ArrayList<>(List.of(p.toString(), "--pdeathsig", "TERM", "--"));
    c.addAll(command);
    return c;
  }

  private static Path setpriv() {
    if (!probed) {
      setpriv = find();
      probed = true;
    }
    return setpriv;
  }

  private static Path find() {
    Path p = QemuCommand.onPath("setpriv");
    return p != null && knowsPdeathsig(p) ? p : null;
  }

  private static boolean knowsPdeathsig(Path setpriv) {
    try {
      Process p = new ProcessBuilder(setpriv.toString(), "--help").redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      String help = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return help.contains("--pdeathsig");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}

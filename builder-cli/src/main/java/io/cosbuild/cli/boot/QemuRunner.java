package io.cosbuild.cli.boot;

import io.cosbuild.spec.model.Architecture;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs a guest under QEMU with its serial console captured: wait for a text (or a kernel panic,
 * or QEMU's exit, or a timeout) and type into the console. With {@link Accel#AUTO} it uses KVM
 * only when KVM demonstrably works: the guest kernel must print its banner within the probe time,
 * otherwise (an MSR assertion, a hang, no {@code /dev/kvm}, another architecture) QEMU is stopped
 * and restarted under TCG, and the reason goes to {@code notes}.
 *
 * <p>Thread-safe: one reader thread appends the console to a buffer and to {@code sink}; waiters
 * and {@link #send} may run on other threads. {@link #close} kills QEMU; the caller closes
 * {@code sink}'s target.
 */
public final class QemuRunner implements AutoCloseable {

  /** Printed by every Linux kernel early on the console. */
  static final String KERNEL_BANNER = "Linux version";
  static final List<String> PANIC_MARKERS = List.of("Kernel panic - not syncing", "---[ end Kernel panic");
  private static final Duration KVM_PROBE = Duration.ofSeconds(15);

  private final Process process;
  private final String accel;
  private final StringBuilder console = new StringBuilder();
  private final Thread reader;
  private final long startNanos = System.nanoTime();

  private QemuRunner(List<String> command, String accel, Consumer<String> sink) throws IOException {
    this.accel = accel;
    this.process = new ProcessBuilder(command).redirectErrorStream(true).start();
    this.reader = new Thread(() -> pump(process.getInputStream(), sink), "qemu-console");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code target}.
   *
   * @param sink receives console output as it arrives (e.g. the terminal or a log); may be a no-op
   * @param notes receives one-line remarks such as the KVM fallback
   */
  public static QemuRunner start(BootTarget target, Accel accel, Consumer<String> sink, Consumer<String> notes)
      throws IOException, InterruptedException {
    if (accel == Accel.TCG) {
      return new QemuRunner(QemuCommand.of(target, false), "tcg", sink);
    }
    String why = kvmUnavailable(target.arch());
    if (why == null) {
      QemuRunner probe = new QemuRunner(QemuCommand.of(target, true), "kvm", sink);
      BootOutcome o = probe.waitFor(KERNEL_BANNER, KVM_PROBE);
      if (o == BootOutcome.FOUND || accel == Accel.KVM) {
        return probe;
      }
      String tail = probe.console().strip();
      tail = tail.substring(Math.max(0, tail.lastIndexOf('\n') + 1));
      probe.close();
      why = "KVM " + (o == BootOutcome.EXITED ? "failed" : "showed no kernel output within "
          + KVM_PROBE.toSeconds() + " s") + (tail.isEmpty() ? "" : " (" + tail + ")");
    } else if (accel == Accel.KVM) {
      throw new IOException("--accel kvm: " + why);
    }
    notes.accept(why + "; using TCG (emulation, slower)");
    return new QemuRunner(QemuCommand.of(target, false), "tcg", sink);
  }

  /** Why KVM cannot be tried at all, or null. */
  static String kvmUnavailable(Architecture guest) {
    if (guest != Architecture.host()) {
      return "KVM cannot run a " + guest + " guest on a " + Architecture.host() + " host";
    }
    Path kvm = Path.of("/dev/kvm");
    if (!Files.isReadable(kvm) || !Files.isWritable(kvm)) {
      return "/dev/kvm is missing or not accessible";
    }
    return null;
  }

  /** {@code kvm} or {@code tcg}: what this guest actually runs on. */
  public String accel() {
    return accel;
  }

  /** Time since QEMU started. */
  public Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  /** The console output so far. */
  public String console() {
    synchronized (console) {
      return console.toString();
    }
  }

  /** Waits until {@code text} appears in the console after {@code from} (a console offset). */
  public BootOutcome waitFor(String text, Duration timeout) throws InterruptedException {
    return waitFor(text, 0, timeout);
  }

  /**
   * Waits until {@code text} appears at or after console offset {@code from}, a kernel panic is
   * printed (before the text), QEMU exits, or {@code timeout} passes.
   */
  public BootOutcome waitFor(String text, int from, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (console) {
      while (true) {
        int found = console.indexOf(text, from);
        int panic = firstPanic(from);
        if (found >= 0 && (panic < 0 || found < panic)) {
          return BootOutcome.FOUND;
        }
        if (panic >= 0) {
          return BootOutcome.PANIC;
        }
        if (!process.isAlive() && !reader.isAlive()) {
          return BootOutcome.EXITED;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return BootOutcome.TIMEOUT;
        }
        console.wait(Math.max(1, Math.min(left / 1_000_000, 200)));
      }
    }
  }

  private int firstPanic(int from) {
    int best = -1;
    for (String m : PANIC_MARKERS) {
      int i = console.indexOf(m, from);
      if (i >= 0 && (best < 0 || i < best)) {
        best = i;
      }
    }
    return best;
  }

  /** Types {@code line} and a newline into the guest's serial console. */
  public void send(String line) throws IOException {
    OutputStream in = process.getOutputStream();
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  /** Waits for QEMU to exit by itself, up to {@code timeout}; true if it did. */
  public boolean waitForExit(Duration timeout) throws InterruptedException {
    boolean done = process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    if (done) {
      reader.join(2000);
    }
    return done;
  }

  /** QEMU's exit code; only after it exited. */
  public int exitCode() {
    return process.exitValue();
  }

  private void pump(InputStream in, Consumer<String> sink) {
    char[] buf = new char[8192];
    try (java.io.Reader r = new java.io.InputStreamReader(in, StandardCharsets.UTF_8)) {
      int n;
      while ((n = r.read(buf)) > 0) {
        String s = new String(buf, 0, n);
        sink.accept(s);
        synchronized (console) {
          console.append(s);
          console.notifyAll();
        }
      }
    } catch (IOException e) {
      // QEMU went away; waiters see the process end
    } finally {
      synchronized (console) {
        console.notifyAll();
      }
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
      }
      reader.join(2000);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** True if {@code console} shows a kernel panic. */
  public static boolean panicked(String console) {
    return PANIC_MARKERS.stream().anyMatch(console::contains);
  }
}

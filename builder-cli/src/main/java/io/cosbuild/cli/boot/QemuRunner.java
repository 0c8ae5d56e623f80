package io.cosbuild.cli.boot;

import io.cosbuild.spec.model.Architecture;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Runs a guest under QEMU with its serial console captured: wait for a text (or a kernel panic,
 * or QEMU's exit, or a timeout) and type into the console. With {@link Accel#AUTO} it uses KVM
 * only when KVM demonstrably works: the guest kernel must print its banner within the probe time,
 * otherwise (an MSR assertion, a hang, no {@code /dev/kvm}, another architecture) QEMU is stopped
 * and restarted under TCG, and the reason goes to {@code notes}.
 *
 * <p>The console is the guest's serial port only: QEMU's own messages (its standard error) go to
 * {@code notes} as {@code qemu: ...} lines and never match a wait. Neither do the lines in which the
 * kernel echoes its command line (see {@link #find}), so a text passed on the command line cannot
 * be "found" before the guest prints it. Carriage returns are dropped from the console, so a
 * waited-for text spans lines with a plain {@code \n}.
 *
 * <p>Thread-safe: one reader thread appends the console to a buffer and to {@code sink}; waiters
 * and {@link #send} may run on other threads. A {@code sink} that throws stops QEMU (waiters see
 * {@link BootOutcome#EXITED}). {@link #close} kills QEMU, and so does the JVM's shutdown (SIGINT,
 * SIGTERM) while the runner is open; the caller closes {@code sink}'s target.
 */
public final class QemuRunner implements AutoCloseable {

  /** Printed by every Linux kernel early on the console. */
  static final String KERNEL_BANNER = "Linux version";
  static final List<String> PANIC_MARKERS = List.of("Kernel panic - not syncing", "---[ end Kernel panic");
  private static final Duration KVM_PROBE = Duration.ofSeconds(15);
  /** Longer waits are taken as this one (a century); keeps the deadline arithmetic in range. */
  private static final Duration FOREVER = Duration.ofDays(36_500);
  /** A kernel log line's timestamp, e.g. {@code [    0.000000] }. */
  private static final Pattern KERNEL_TIMESTAMP = Pattern.compile("^\\[\\s*\\d+\\.\\d+\\]\\s?");
  /** Kernel messages that repeat (part of) the command line, after the timestamp. */
  private static final List<String> COMMAND_LINE_ECHOES = List.of("Command line:", "Kernel command line:",
      "Unknown kernel command line parameters");

  private final Process process;
  private final String accel;
  private final String cmdline;
  private final StringBuilder console = new StringBuilder();
  private final Thread reader;
  private final Thread errorReader;
  private final Thread stopOnShutdown;
  private final long startNanos = System.nanoTime();
  private volatile boolean closing;

  private QemuRunner(BootTarget target, boolean kvm, Consumer<String> sink, Consumer<String> notes) throws IOException {
    this.accel = kvm ? "kvm" : "tcg";
    this.cmdline = target.cmdline();
    this.process = new ProcessBuilder(ParentDeathSignal.wrap(QemuCommand.of(target, kvm))).start();
    this.stopOnShutdown = new Thread(this::stop, "qemu-stop");
    Runtime.getRuntime().addShutdownHook(stopOnShutdown);
    this.reader = new Thread(() -> pump(process.getInputStream(), sink), "qemu-console");
    reader.setDaemon(true);
    reader.start();
    this.errorReader = new Thread(() -> pumpErrors(process.getErrorStream(), notes), "qemu-stderr");
    errorReader.setDaemon(true);
    errorReader.start();
  }

  /**
   * Starts {@code target}.
   *
   * @param sink receives console output as it arrives (e.g. the terminal or a log); may be a no-op
   * @param notes receives one-line remarks such as the KVM fallback, and QEMU's own messages
   */
  public static QemuRunner start(BootTarget target, Accel accel, Consumer<String> sink, Consumer<String> notes)
      throws IOException, InterruptedException {
    if (accel == Accel.TCG) {
      return new QemuRunner(target, false, sink, notes);
    }
    String why = kvmUnavailable(target.arch());
    if (why == null) {
      QemuRunner probe = new QemuRunner(target, true, sink, notes);
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
    return new QemuRunner(target, false, sink, notes);
  }

  /** Why KVM cannot be tried at all, or null. */
  static String kvmUnavailable(Architecture guest) {
    if (guest != Architecture.host()) {
      return "KVM cannot run an " + guest + " guest on an " + Architecture.host() + " host";
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

  /** The console output so far (carriage returns dropped). */
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
   * printed (before the text), QEMU exits, or {@code timeout} passes. The kernel's echoes of its
   * command line do not count (see {@link #find}).
   */
  public BootOutcome waitFor(String text, int from, Duration timeout) throws InterruptedException {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("the text to wait for is empty");
    }
    long deadline = System.nanoTime() + (timeout.compareTo(FOREVER) > 0 ? FOREVER : timeout).toNanos();
    synchronized (console) {
      while (true) {
        int found = find(console, text, from, cmdline);
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

  /**
   * Where {@code text} first appears in {@code console} at or after {@code from}, or -1, not
   * counting the kernel's echoes of its command line {@code cmdline}: the lines of the messages in
   * {@link #COMMAND_LINE_ECHOES}, and, when {@code cmdline} contains {@code text}, every kernel log
   * line (one with a timestamp). A match that starts in such a line is skipped.
   */
  static int find(StringBuilder console, String text, int from, String cmdline) {
    boolean inCmdline = cmdline.contains(text);
    int i = console.indexOf(text, from);
    while (i >= 0) {
      int start = console.lastIndexOf("\n", i) + 1;
      int end = console.indexOf("\n", i);
      String line = console.substring(start, end < 0 ? console.length() : end);
      String message = KERNEL_TIMESTAMP.matcher(line).replaceFirst("");
      boolean echo = COMMAND_LINE_ECHOES.stream().anyMatch(message::startsWith)
          || inCmdline && message.length() < line.length();
      if (!echo) {
        return i;
      }
      if (end < 0) {
        return -1;
      }
      i = console.indexOf(text, end + 1);
    }
    return -1;
  }

  private int firstPanic(int from) {
    int best = -1;
    for (String m : PANIC_MARKERS) {
      int i = find(console, m, from, cmdline);
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
    boolean done = process.waitFor((timeout.compareTo(FOREVER) > 0 ? FOREVER : timeout).toMillis(), TimeUnit.MILLISECONDS);
    if (done) {
      reader.join(2000);
      errorReader.join(2000);
    }
    return done;
  }

  /** QEMU's exit code; only after it exited. */
  public int exitCode() {
    return process.exitValue();
  }

  private void pump(InputStream in, Consumer<String> sink) {
    char[] buf = new char[8192];
    try (java.io.Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      int n;
      while ((n = r.read(buf)) > 0) {
        String s = new String(buf, 0, n);
        try {
          sink.accept(s);
        } catch (RuntimeException e) {
          // Nowhere to put the console: stop the guest rather than run it unseen.
          process.destroy();
          break;
        }
        synchronized (console) {
          console.append(s.replace("\r", ""));
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

  /** QEMU's own messages, line by line, to {@code notes}; none once it is being stopped (its "terminating on signal"). */
  private void pumpErrors(InputStream in, Consumer<String> notes) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!closing && !line.isBlank()) {
          notes.accept("qemu: " + line);
        }
      }
    } catch (IOException e) {
      // QEMU went away
    }
  }

  /** Ends QEMU: SIGTERM (QEMU removes its snapshot overlay), then SIGKILL after 5 s. */
  private void stop() {
    closing = true;
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(stopOnShutdown);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook stops QEMU too
    }
    try {
      reader.join(2000);
      errorReader.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** True if {@code console} shows a kernel panic. */
  public static boolean panicked(String console) {
    return PANIC_MARKERS.stream().anyMatch(console::contains);
  }
}

package io.cosbuild.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cosbuild.cli.boot.Accel;
import io.cosbuild.cli.boot.BootOutcome;
import io.cosbuild.cli.boot.BootTarget;
import io.cosbuild.cli.boot.QemuRunner;
import io.cosbuild.spec.model.Architecture;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cosbuild boot DIR}: boots {@code DIR/disk.raw} with {@code DIR/vmlinuz},
 * {@code DIR/initrd.img} and the kernel command line of {@code DIR/manifest.json} under QEMU.
 */
@Command(name = "boot", mixinStandardHelpOptions = true,
    description = {"Boot a built image under QEMU (x86_64: q35; arm64: virt) with its serial console on the terminal.",
        "With --expect: exit 0 once the text appears on the console, 1 on a kernel panic, QEMU's exit or the timeout."})
public final class BootCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin LoggingOptions logging;

  @Parameters(paramLabel = "DIR", description = "An output directory of cosbuild image (disk.raw, vmlinuz, initrd.img, manifest.json).")
  Path dir;

  @Option(names = "--arch", paramLabel = "A", description = "x86_64 or arm64 (default: manifest.json's arch).")
  String arch;

  @Option(names = "--expect", paramLabel = "TEXT", description = "Succeed when TEXT appears on the console.")
  String expect;

  @Option(names = "--timeout", paramLabel = "S", description = "Give up after S seconds (default: 300 with --expect, none without).")
  Long timeout;

  @Option(names = "--accel", paramLabel = "auto|kvm|tcg", defaultValue = "auto",
      description = "auto (default): KVM when it demonstrably boots the kernel, else TCG.")
  String accel;

  @Option(names = "--log", paramLabel = "FILE", description = "Write the console to FILE instead of the terminal.")
  Path log;

  @Option(names = "--append", paramLabel = "WORD", description = "Extra kernel command line words (e.g. cosbuild.selftest=1).")
  List<String> append = new ArrayList<>();

  @Option(names = "--snapshot", description = "Keep disk.raw unchanged: the guest's writes go to a temporary overlay.")
  boolean snapshot;

  @Option(names = "--disk", paramLabel = "FILE",
      description = "Also attach this raw disk, after the image's (repeatable; e.g. a data disk).")
  List<Path> disks = new ArrayList<>();

  @Option(names = "--memory", paramLabel = "MIB", defaultValue = "1024", description = "Guest memory in MiB (default 1024).")
  int memory;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    BootTarget target;
    Accel a;
    try {
      a = Accel.parse(accel);
      target = target(dir, arch, append, memory, snapshot);
      for (Path d : disks) {
        if (!Files.isRegularFile(d)) {
          throw new IOException("--disk " + d + " is not a file");
        }
      }
      target = target.withDisks(target.disk(), disks);
    } catch (IllegalArgumentException | IOException e) {
      err.println("cosbuild boot: " + e.getMessage());
      err.flush();
      return Main.USAGE;
    }
    Writer logWriter = log == null ? null : Files.newBufferedWriter(log, StandardCharsets.UTF_8);
    try {
      java.util.function.Consumer<String> sink = logWriter == null ? s -> {
        out.print(s);
        out.flush();
      } : s -> {
        try {
          logWriter.write(s);
          logWriter.flush();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      };
      try (QemuRunner q = QemuRunner.start(target, a, sink, n -> {
        err.println("cosbuild boot: " + n);
        err.flush();
      })) {
        err.println("cosbuild boot: " + target.arch() + " guest on " + q.accel());
        err.flush();
        if (expect == null) {
          forwardStdin(q);
          boolean exited = q.waitForExit(timeout == null ? Duration.ofDays(3650) : Duration.ofSeconds(timeout));
          boolean panicked = QemuRunner.panicked(q.console());
          return exited && !panicked ? Main.OK : Main.FAILED;
        }
        BootOutcome o = q.waitFor(expect, Duration.ofSeconds(timeout == null ? 300 : timeout));
        String took = String.format("%.1f s", q.elapsed().toMillis() / 1000.0);
        switch (o) {
          case FOUND -> err.println("cosbuild boot: found '" + expect + "' after " + took + " (" + q.accel() + ")");
          case PANIC -> err.println("cosbuild boot: kernel panic after " + took + " before '" + expect + "'");
          case EXITED -> err.println("cosbuild boot: QEMU exited after " + took + " before '" + expect + "'");
          case TIMEOUT -> err.println("cosbuild boot: '" + expect + "' did not appear within " + took);
          default -> throw new IllegalStateException();
        }
        err.flush();
        return o == BootOutcome.FOUND ? Main.OK : Main.FAILED;
      }
    } finally {
      if (logWriter != null) {
        logWriter.close();
      }
    }
  }

  /**
   * The boot target of an output directory: the files of the output contract and the kernel
   * command line recorded in {@code manifest.json}, plus {@code append}.
   *
   * @param arch null for the manifest's architecture
   * @throws IOException naming the missing file
   */
  public static BootTarget target(Path dir, String arch, List<String> append, int memoryMiB, boolean snapshot)
      throws IOException {
    for (String f : List.of("disk.raw", "vmlinuz", "initrd.img", "manifest.json")) {
      if (!Files.isRegularFile(dir.resolve(f))) {
        throw new IOException(dir.resolve(f) + " is missing: DIR must be an output directory of cosbuild image");
      }
    }
    JsonNode m = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
    String cmdline = m.path("kernelCommandLine").asText("");
    if (cmdline.isBlank()) {
      throw new IOException(dir.resolve("manifest.json") + " has no kernelCommandLine");
    }
    Architecture a = Architecture.parse(arch != null ? arch : m.path("arch").asText(Architecture.host().id()));
    StringBuilder c = new StringBuilder(cmdline);
    for (String w : append) {
      c.append(' ').append(w);
    }
    return new BootTarget(a, dir.resolve("disk.raw"), dir.resolve("vmlinuz"), dir.resolve("initrd.img"), c.toString(),
        memoryMiB, snapshot);
  }

  /** Interactive use: what the user types goes to the guest's console. */
  private static void forwardStdin(QemuRunner q) {
    Thread t = new Thread(() -> {
      try (InputStream in = System.in; java.io.BufferedReader r = new java.io.BufferedReader(
          new java.io.InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          q.send(line);
        }
      } catch (IOException e) {
        // the guest is gone
      }
    }, "stdin-to-guest");
    t.setDaemon(true);
    t.start();
  }
}

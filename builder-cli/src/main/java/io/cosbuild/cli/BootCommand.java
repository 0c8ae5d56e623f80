package io.cosbuild.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cosbuild.cli.boot.Accel;
import io.cosbuild.cli.boot.BootOutcome;
import io.cosbuild.cli.boot.BootTarget;
import io.cosbuild.cli.boot.DiskBus;
import io.cosbuild.cli.boot.KernelWords;
import io.cosbuild.cli.boot.QemuCommand;
import io.cosbuild.cli.boot.QemuRunner;
import io.cosbuild.cli.boot.UefiFirmware;
import io.cosbuild.spec.model.Architecture;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
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
        "With --expect: exit 0 once the text appears on the console (the kernel's echo of its command line does not count),"
            + " 1 on a kernel panic, QEMU's exit or the timeout."})
public final class BootCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin LoggingOptions logging;

  @Parameters(paramLabel = "DIR", description = "An output directory of cosbuild image (disk.raw, vmlinuz, initrd.img, manifest.json).")
  Path dir;

  @Option(names = "--arch", paramLabel = "A", description = "x86_64 or arm64, for a manifest.json without an arch (one that disagrees is refused).")
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

  @Option(names = "--append", paramLabel = "WORD", description = "An extra kernel parameter (repeatable; e.g. cosbuild.selftest=1; spaces only inside double quotes).")
  List<String> append = new ArrayList<>();

  @Option(names = "--snapshot", description = "Keep disk.raw unchanged: the guest's writes go to a temporary overlay.")
  boolean snapshot;

  @Option(names = "--disk", paramLabel = "FILE",
      description = "Also attach this raw disk, after the image's (repeatable; e.g. a data disk).")
  List<Path> disks = new ArrayList<>();

  @Option(names = "--memory", paramLabel = "MIB", defaultValue = "1024", description = "Guest memory in MiB (default 1024).")
  int memory;

  @Option(names = "--network", paramLabel = "none|user", defaultValue = "none",
      description = "none (default): no network card; user: a virtio network card on QEMU's user-mode network (NAT, DHCP"
          + " and DNS from QEMU; the guest gets 10.0.2.15).")
  String network;

  @Option(names = "--uefi", description = "Boot as a machine does: UEFI firmware (OVMF) starts the"
      + " unified kernel image on the disk's ESP (profiles with disk.esp: uki), instead of QEMU being given the kernel,"
      + " initramfs and command line. --append cannot be used then: the command line is inside the image.")
  boolean uefi;

  @Option(names = "--disk-bus", paramLabel = "BUS", defaultValue = "virtio", description = "How the guest sees its"
      + " disks: virtio (virtio-blk, the default), scsi (a virtio-scsi controller, as Google Compute Engine attaches"
      + " disks) or nvme (as AWS Nitro instances and GCE's newer machines).")
  String diskBus;

  @Option(names = "--secure-boot", description = "With --uefi (implied): the firmware enforces UEFI Secure Boot and"
      + " starts the disk's image only if its signature is trusted by the variable store's db; by default Debian's"
      + " test store, which trusts only Debian's snakeoil key (/usr/share/ovmf/PkKek-1-snakeoil.*).")
  boolean secureBoot;

  @Option(names = "--slot", paramLabel = "A|B", defaultValue = "A", description = "The A/B slot to boot (default A):"
      + " B boots ROOT-B against VERITY-B, which an image holds with disk.root-b: copy. Not with --uefi: the unified"
      + " kernel image on the ESP boots slot A.")
  String slot;

  @Option(names = "--uefi-vars", paramLabel = "FILE", description = "With --secure-boot: the UEFI variable store to"
      + " start from (PK, KEK and the db with your certificate), instead of Debian's snakeoil one; never written to.")
  Path uefiVars;

  /** Why the console could not be written to --log; QEMU is stopped then. */
  private final AtomicReference<IOException> logFailure = new AtomicReference<>();

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    BootTarget target;
    Accel a;
    Writer logWriter;
    try {
      a = Accel.parse(accel);
      if (expect != null && expect.isBlank()) {
        throw new IllegalArgumentException("--expect needs a text to wait for, not an empty one");
      }
      if (timeout != null && timeout <= 0) {
        throw new IllegalArgumentException("--timeout must be a positive number of seconds, not " + timeout);
      }
      if (!slot.equals("A") && !slot.equals("B")) {
        throw new IllegalArgumentException("--slot must be A or B, not " + slot);
      }
      if (slot.equals("B") && (uefi || secureBoot)) {
        throw new IllegalArgumentException("--slot B cannot be used with --uefi: the unified kernel image on the ESP"
            + " boots slot A, its command line inside it");
      }
      target = target(dir, arch, append, memory, snapshot);
      if (slot.equals("B")) {
        target = slotB(target, dir.resolve("manifest.json"));
      }
      target = target.withDisks(target.disk(), extraDisks(target.disk(), disks)).withUserNetwork(switch (network) {
        case "user" -> true;
        case "none" -> false;
        default -> throw new IllegalArgumentException("--network must be none or user, not " + network);
      });
      target = target.withDiskBus(DiskBus.parse(diskBus));
      if (uefiVars != null && !secureBoot) {
        throw new IllegalArgumentException("--uefi-vars is for --secure-boot: without it the firmware keeps no keys");
      }
      if (uefi || secureBoot) {
        if (!append.isEmpty()) {
          throw new IllegalArgumentException("--append cannot be used with --uefi: the kernel command line is inside the"
              + " unified kernel image on the ESP");
        }
        requireUki(dir.resolve("manifest.json"));
        Path vars = !secureBoot ? null : uefiVars != null ? uefiVars : UefiFirmware.snakeoilVars(target.arch());
        target = target.withFirmware(UefiFirmware.require(target.arch(), vars));
      }
      QemuCommand.requireBinary(target.arch());
      logWriter = log == null ? null : openLog(log);
    } catch (IllegalArgumentException | IOException e) {
      err.println("cosbuild boot: " + e.getMessage());
      err.flush();
      return Main.USAGE;
    }
    try {
      Consumer<String> sink = logWriter == null ? s -> {
        out.print(s);
        out.flush();
      } : s -> {
        try {
          logWriter.write(s);
          logWriter.flush();
        } catch (IOException e) {
          logFailure.compareAndSet(null, e);
          throw new UncheckedIOException(e);
        }
      };
      try (QemuRunner q = QemuRunner.start(target, a, sink, n -> {
        err.println("cosbuild boot: " + n);
        err.flush();
      })) {
        err.println("cosbuild boot: " + target.arch() + " guest on " + q.accel());
        err.flush();
        return expect == null ? runInteractive(q, err) : runExpecting(q, err);
      }
    } finally {
      if (logWriter != null) {
        try {
          logWriter.close();
        } catch (IOException e) {
          logFailure.compareAndSet(null, e);
        }
      }
    }
  }

  /** True, having said why, when the console could not be written to --log (the guest was stopped then). */
  private boolean reportedLogFailure(PrintWriter err) {
    IOException e = logFailure.get();
    if (e != null) {
      err.println("cosbuild boot: cannot write the console to " + log + ": " + ErrorHandler.describe(e) + "; QEMU stopped");
      err.flush();
    }
    return e != null;
  }

  /** Without --expect: the console until QEMU ends (or --timeout); 0 only when QEMU ended well without a panic. */
  private int runInteractive(QemuRunner q, PrintWriter err) throws InterruptedException {
    forwardStdin(q);
    boolean exited = q.waitForExit(timeout == null ? Duration.ofDays(3650) : Duration.ofSeconds(timeout));
    if (reportedLogFailure(err)) {
      return Main.FAILED;
    }
    String took = String.format("%.1f s", q.elapsed().toMillis() / 1000.0);
    String failure = !exited ? "QEMU still running after " + took + " (--timeout); stopped it"
        : QemuRunner.panicked(q.console()) ? "kernel panic after " + took
        : q.exitCode() != 0 ? "QEMU failed (exit code " + q.exitCode() + ") after " + took
        : null;
    if (failure == null) {
      return Main.OK;
    }
    err.println("cosbuild boot: " + failure);
    err.flush();
    return Main.FAILED;
  }

  /** With --expect: 0 once the text appears; 1 on a panic, QEMU's exit or the timeout. */
  private int runExpecting(QemuRunner q, PrintWriter err) throws InterruptedException {
    BootOutcome o = q.waitFor(expect, Duration.ofSeconds(timeout == null ? 300 : timeout));
    if (reportedLogFailure(err)) {
      return Main.FAILED;
    }
    String took = String.format("%.1f s", q.elapsed().toMillis() / 1000.0);
    switch (o) {
      case FOUND -> err.println("cosbuild boot: found '" + expect + "' after " + took + " (" + q.accel() + ")");
      case PANIC -> err.println("cosbuild boot: kernel panic after " + took + " before '" + expect + "'");
      case EXITED -> err.println("cosbuild boot: QEMU exited (exit code " + q.exitCode() + ") after " + took
          + " before '" + expect + "'");
      case TIMEOUT -> err.println("cosbuild boot: '" + expect + "' did not appear within " + took);
      default -> throw new IllegalStateException();
    }
    err.flush();
    return o == BootOutcome.FOUND ? Main.OK : Main.FAILED;
  }

  private static Writer openLog(Path log) throws IOException {
    try {
      return Files.newBufferedWriter(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IOException("--log " + ErrorHandler.describe(e), e);
    }
  }

  /**
   * The --disk files, each checked as a raw disk and attached once: not the image's own disk and not
   * twice (QEMU cannot lock one file for two drives).
   */
  static List<Path> extraDisks(Path imageDisk, List<Path> disks) throws IOException {
    List<Path> seen = new ArrayList<>(List.of(imageDisk));
    for (Path d : disks) {
      requireRawDisk(d, "--disk " + d);
      for (Path s : seen) {
        if (Files.isSameFile(s, d)) {
          throw new IOException("--disk " + d + " is " + (s == imageDisk ? "the image's own disk" : "given twice")
              + ": a file can be attached once");
        }
      }
      seen.add(d);
    }
    return disks;
  }

  /** {@code file} is a regular file and not a qcow2 image (QEMU would boot its header as a raw disk). */
  static void requireRawDisk(Path file, String name) throws IOException {
    if (!Files.exists(file)) {
      throw new IOException(name + " is missing");
    }
    if (!Files.isRegularFile(file)) {
      throw new IOException(name + " is not a regular file");
    }
    byte[] magic = new byte[4];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(magic, 0, 4);
    }
    if (n == 4 && magic[0] == 'Q' && magic[1] == 'F' && magic[2] == 'I' && (magic[3] & 0xff) == 0xfb) {
      throw new IOException(name + " is a qcow2 image, not a raw disk (qemu-img convert -O raw turns it into one)");
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
    for (String f : List.of("vmlinuz", "initrd.img", "manifest.json")) {
      Path p = dir.resolve(f);
      if (!Files.isRegularFile(p)) {
        throw new IOException(p + (Files.exists(p) ? " is not a regular file" : " is missing")
            + ": DIR must be an output directory of cosbuild image");
      }
    }
    requireRawDisk(dir.resolve("disk.raw"), dir.resolve("disk.raw").toString());
    Path manifest = dir.resolve("manifest.json");
    JsonNode m = readManifest(manifest);
    String cmdline = m.path("kernelCommandLine").isTextual() ? m.get("kernelCommandLine").asText() : "";
    if (cmdline.isBlank()) {
      throw new IOException(manifest + " has no kernelCommandLine");
    }
    StringBuilder c = new StringBuilder(cmdline);
    for (String w : append) {
      c.append(' ').append(KernelWords.check(w));
    }
    return new BootTarget(architecture(manifest, m.path("arch"), arch), dir.resolve("disk.raw"), dir.resolve("vmlinuz"),
        dir.resolve("initrd.img"), c.toString(), memoryMiB, snapshot);
  }

  /**
   * {@code target} booting slot B: its command line names ROOT-B and VERITY-B instead of slot A's partitions. Slot B
   * must hold a copy of slot A (the manifest says so), whose root hash the command line already has.
   */
  static BootTarget slotB(BootTarget target, Path manifest) throws IOException {
    if (!partitionHolds(readManifest(manifest), 4, "copy")) {
      throw new IOException(manifest + ": ROOT-B holds no copy of the root (disk.root-b: empty), so slot B has"
          + " nothing to boot; build with disk.root-b: copy, or install an image into slot B first");
    }
    List<String> words = new ArrayList<>(List.of(target.cmdline().split(" ")));
    int root = words.indexOf("cosbuild.root=ROOT-A");
    int hash = words.indexOf("cosbuild.verity.hashdev=VERITY-A");
    if (root < 0 || hash < 0) {
      throw new IOException(manifest + ": its kernel command line does not name slot A (cosbuild.root=ROOT-A,"
          + " cosbuild.verity.hashdev=VERITY-A), so it cannot be turned to slot B");
    }
    words.set(root, "cosbuild.root=ROOT-B");
    words.set(hash, "cosbuild.verity.hashdev=VERITY-B");
    return target.withCmdline(String.join(" ", words));
  }

  /** Refuses an image whose ESP the manifest does not say holds a unified kernel image: the firmware would find nothing. */
  private static void requireUki(Path manifest) throws IOException {
    if (partitionHolds(readManifest(manifest), 1, "uki")) {
      return;
    }
    throw new IOException(manifest + ": the image's ESP holds no unified kernel image, so UEFI firmware finds nothing to"
        + " start: build it with disk.esp: uki, or boot it without --uefi");
  }

  /** manifest.json as a JSON object. */
  private static JsonNode readManifest(Path manifest) throws IOException {
    JsonNode m;
    try {
      m = new ObjectMapper().readTree(manifest.toFile());
    } catch (JsonProcessingException e) {
      throw new IOException(manifest + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (m == null || !m.isObject()) {
      throw new IOException(manifest + " is not a JSON object");
    }
    return m;
  }

  /** Whether the manifest says partition {@code number} holds {@code content} ("uki", "copy", ...). */
  private static boolean partitionHolds(JsonNode manifest, int number, String content) {
    for (JsonNode p : manifest.path("disk").path("partitions")) {
      if (p.path("number").asInt() == number) {
        return content.equals(p.path("content").asText());
      }
    }
    return false;
  }

  /** The manifest's architecture, which --arch (when given) must agree with: the kernel is built for one. */
  private static Architecture architecture(Path manifest, JsonNode recorded, String option) throws IOException {
    Architecture given = option == null ? null : Architecture.parse(option);
    if (!recorded.isTextual()) {
      if (given == null) {
        throw new IOException(manifest + " has no arch; say which with --arch");
      }
      return given;
    }
    Architecture built;
    try {
      built = Architecture.parse(recorded.asText());
    } catch (IllegalArgumentException e) {
      throw new IOException(manifest + ": " + e.getMessage(), e);
    }
    if (given != null && given != built) {
      throw new IOException("--arch " + given + " disagrees with " + manifest + ": the image is built for " + built);
    }
    return built;
  }

  /** Interactive use: what the user types goes to the guest's console. */
  private static void forwardStdin(QemuRunner q) {
    InputStream stdin = System.in; // the caller's, as the command starts: not whatever System.in is when the thread runs
    Thread t = new Thread(() -> {
      try (InputStream in = stdin; java.io.BufferedReader r = new java.io.BufferedReader(
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

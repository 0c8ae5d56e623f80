package io.cosbuild.cli;

import io.cosbuild.cli.build.BackgroundFlush;
import io.cosbuild.cli.build.Progress;
import io.cosbuild.cli.build.StagingDirectory;
import io.cosbuild.rootfs.ext4.Ext4Exception;
import io.cosbuild.rootfs.ext4.Ext4FullException;
import io.cosbuild.rootfs.ext4.Ext4Options;
import io.cosbuild.rootfs.ext4.Ext4Result;
import io.cosbuild.rootfs.ext4.Ext4Writer;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.TreeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cosbuild fs ext4 SRC OUT}: an ext4 image of a directory or a tar archive, without root.
 * Writes OUT under a temporary name in the same directory and renames it when complete.
 */
@Command(name = "ext4", mixinStandardHelpOptions = true,
    description = {"Write an ext4 image of SRC (a directory or a tar archive) to OUT.",
        "From a tar, owners and modes come from the tar. Without --size the size is computed "
            + "(data + metadata + 10%% + 1 MiB), or is the whole device when OUT is a block device."})
public final class FsExt4Command implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LoggingOptions logging;

  @Parameters(index = "0", paramLabel = "SRC", description = "Source directory or tar archive; - reads a tar archive from standard input.")
  Path src;

  @Parameters(index = "1", paramLabel = "OUT", description = "Image file to write, or a block device to format in place.")
  Path out;

  @Option(names = "--size", paramLabel = "SIZE", converter = SizeConverter.class,
      description = "Filesystem size: bytes, or with a unit (512M, 2G = 2GiB = 2^31 bytes; 2GB = 2*10^9), rounded "
          + "down to 4 KiB (default: computed).")
  Long size;

  @Option(names = "--no-journal", description = "No journal (read-only roots).")
  boolean noJournal;

  @Option(names = "--label", paramLabel = "L", description = "Volume label (at most 16 bytes).")
  String label = "";

  @Option(names = "--uuid", paramLabel = "U", description = "Filesystem UUID (default: derived from the content).")
  String uuid;

  @Option(names = "--source-date-epoch", paramLabel = "N",
      description = "Time for inodes and superblock; mtimes are clamped to it (default: $SOURCE_DATE_EPOCH, else 0, "
          + "which makes every mtime 0).")
  Long sourceDateEpoch;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  /** Runs the command outside the full CLI (benchmarks): exit code as the process status. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new FsExt4Command()).execute(args));
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    Ext4Options options;
    boolean device;
    try {
      options = options();
      if (!FsCommand.isStdin(src) && !Files.exists(src)) {
        throw new IllegalArgumentException("source " + src + " does not exist");
      }
      out = OutputFile.resolve(out, "image", "", true);
      device = OutputFile.isBlockDevice(out);
      if (device) {
        options = onDevice(options);
      } else {
        Path parent = out.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
          throw new IllegalArgumentException("output directory of " + out + " does not exist");
        }
      }
    } catch (IllegalArgumentException e) {
      return fail(err, e.getMessage(), e, 2);
    } catch (IOException e) {
      return fail(err, ErrorHandler.describe(e), e, 1);
    }
    try {
      Ext4Result r = device ? buildOnDevice(src, out, options, Progress.forStderr(err, false))
          : build(src, out, options, Progress.forStderr(err, false));
      logging.debug(FsExt4Command.class, "ext4: {} blocks of 4096 ({}), {} groups of {} inodes, journal {} blocks, "
          + "label '{}', uuid {} ({}), times {}", r.blocks(), size != null ? "given"
          : device ? "the whole device" : "computed: data and metadata + 10% + 1 MiB",
          r.groups(), r.inodes() / r.groups(), r.journalBlocks(), label, r.uuid(),
          uuid == null ? "derived from the content" : "given", options.sourceDateEpoch().orElse(0));
      PrintWriter o = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("image", out.toString());
        m.put("sizeBytes", r.sizeBytes());
        m.put("blocks", r.blocks());
        m.put("freeBlocks", r.freeBlocks());
        m.put("inodes", r.inodes());
        m.put("freeInodes", r.freeInodes());
        m.put("uuid", r.uuid().toString());
        m.put("journalBlocks", r.journalBlocks());
        o.println(Json.write(m));
      } else {
        o.printf("ext4 %s: %d bytes, %d of %d blocks used, %d of %d inodes used, %s, uuid %s%n", out, r.sizeBytes(),
            r.blocks() - r.freeBlocks(), r.blocks(), r.inodes() - r.freeInodes(), r.inodes(),
            r.journalBlocks() > 0 ? "journal " + r.journalBlocks() + " blocks" : "no journal", r.uuid());
      }
      o.flush();
      return 0;
    } catch (TreeException e) {
      // The source itself is bad (a corrupt tar, a path escaping the root): an input error.
      return fail(err, ErrorHandler.describe(e), e, 2);
    } catch (Ext4Exception | IOException e) {
      return fail(err, ErrorHandler.describe(e), e, 1);
    }
  }

  /** The one-line failure on stderr, and with --json the JSON error on stdout. */
  private int fail(PrintWriter err, String message, Exception e, int exitCode) {
    return ErrorHandler.fail(spec.commandLine().getOut(), json, err, "cosbuild fs ext4", message, e, exitCode, logging);
  }

  private Ext4Options options() {
    if (size != null && size < Ext4Options.MIN_SIZE) {
      throw new IllegalArgumentException("--size " + size + " is below the 8 MiB (8388608 bytes) of the smallest "
          + "ext4 filesystem written");
    }
    long epoch;
    if (sourceDateEpoch != null) {
      epoch = sourceDateEpoch;
    } else {
      String env = System.getenv("SOURCE_DATE_EPOCH");
      try {
        epoch = env == null || env.isBlank() ? 0 : Long.parseLong(env.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("SOURCE_DATE_EPOCH is not a number: " + env);
      }
    }
    Ext4Options o = noJournal ? Ext4Options.readOnlyRoot() : Ext4Options.writable(0);
    o = o.withSize(size == null ? 0 : size).withLabel(label).withSourceDateEpoch(epoch);
    if (uuid != null) {
      try {
        o = o.withUuid(UUID.fromString(uuid));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--uuid is not a UUID: " + uuid);
      }
    }
    return o;
  }

  /**
   * The options for formatting the block device OUT: refused while it is in use; the size is the
   * device's, or a given one that fits on it.
   */
  private Ext4Options onDevice(Ext4Options options) throws IOException {
    OutputFile.refuseInUse(out);
    long deviceSize;
    try (FileChannel ch = FileChannel.open(out, StandardOpenOption.READ)) {
      deviceSize = ch.size();
    }
    if (size != null && size > deviceSize) {
      throw new IllegalArgumentException("--size " + size + " is larger than " + out + " (" + deviceSize + " bytes)");
    }
    return options.withSize(size != null ? size : deviceSize);
  }

  /**
   * Formats the block device OUT with the tree of SRC in place, as mke2fs does ({@link Ext4Writer#writeOnto}:
   * a failed or killed run leaves no mountable superblock). A tar's contents are staged in the temporary
   * directory.
   */
  static Ext4Result buildOnDevice(Path src, Path device, Ext4Options options, Progress progress) throws IOException,
      TreeException, Ext4Exception {
    try (StagingDirectory staging = StagingDirectory.create(Path.of(System.getProperty("java.io.tmpdir")))) {
      FsTree tree = FsCommand.readSource(src, device, staging, progress);
      try (Progress.Step step = progress.start("Writing " + device);
          FileChannel ch = FileChannel.open(device, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        Ext4Result r;
        try {
          r = BackgroundFlush.whileWriting(ch, c -> Ext4Writer.writeOnto(tree, c, options, step.toward(tree.contentBytes())));
        } catch (Ext4FullException e) {
          throw new Ext4Exception("formatting " + device + " (" + options.sizeBytes() + " bytes): " + e.getMessage()
              + (options.sizeBytes() < ch.size() ? "; give a larger --size (the device holds " + ch.size()
              + " bytes) or leave it out to use the whole device" : "; the tree needs a larger device") + computed(e), e);
        } catch (Ext4Exception e) {
          throw new Ext4Exception("formatting " + device + " (" + options.sizeBytes() + " bytes): " + e.getMessage(), e);
        }
        ch.force(false);
        step.done(FsCommand.mib(r.sizeBytes()) + " ext4");
        return r;
      }
    }
  }

  /** What the writer computes for the tree without --size, in whole MiB, or nothing when it does not know. */
  private static String computed(Ext4FullException e) {
    return e.computedBytes() > 0 ? " (the size computed for this tree is " + e.computedMiB() + "M)"
        : "";
  }

  /**
   * Writes the image of SRC to OUT through a staging directory beside OUT (with the blob store a tar
   * is unpacked into), so OUT appears only complete and nothing is left behind on failure.
   */
  static Ext4Result build(Path src, Path out, Ext4Options options, Progress progress) throws IOException,
      TreeException, Ext4Exception {
    String name = out.getFileName().toString();
    try (StagingDirectory staging = StagingDirectory.create(out.toAbsolutePath().getParent())) {
      // Contents are not hashed while reading: the writer fingerprints them as it copies them.
      FsTree tree = FsCommand.readSource(src, out, staging, progress);
      Ext4Result r;
      try (Progress.Step step = progress.start("Writing " + out);
          FileChannel ch = FileChannel.open(staging.file(name), StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE, StandardOpenOption.READ)) {
        try {
          // commit syncs the rest
          r = BackgroundFlush.whileWriting(ch, c -> Ext4Writer.write(tree, c, options, step.toward(tree.contentBytes())));
        } catch (Ext4FullException e) {
          throw new Ext4Exception(e.getMessage() + "; give a larger --size or leave it out to compute one" + computed(e), e);
        }
        step.done(FsCommand.mib(r.sizeBytes()) + " ext4");
      }
      staging.commit(List.of(name));
      return r;
    }
  }
}

package io.cosbuild.cli;

import io.cosbuild.cli.build.BackgroundFlush;
import io.cosbuild.cli.build.Progress;
import io.cosbuild.cli.build.StagingDirectory;
import io.cosbuild.rootfs.squashfs.Compression;
import io.cosbuild.rootfs.squashfs.SquashfsException;
import io.cosbuild.rootfs.squashfs.SquashfsOptions;
import io.cosbuild.rootfs.squashfs.SquashfsResult;
import io.cosbuild.rootfs.squashfs.SquashfsWriter;
import io.cosbuild.rootfs.squashfs.XzFilter;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.TreeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cosbuild fs squashfs SRC OUT}: writes a squashfs image from a directory or a tar archive.
 * Exit 0 on success, 1 when the image cannot be written, 2 for bad arguments or input.
 */
@Command(name = "squashfs", mixinStandardHelpOptions = true,
    description = "Write a squashfs image from a directory or a tar archive.")
public final class FsSquashfsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin LoggingOptions logging;

  @Parameters(index = "0", paramLabel = "SRC", description = "a directory or a tar archive (owners and modes from the tar); - reads the archive from standard input")
  Path src;

  @Parameters(index = "1", paramLabel = "OUT", description = "the image to write")
  Path out;

  @Option(names = "--comp", paramLabel = "gzip|zstd|xz|lz4", description = "compressor (default zstd)")
  String comp = "zstd";

  @Option(names = "--level", paramLabel = "N", description = "compression level (default: the compressor's)")
  Integer level;

  @Option(names = "--xz-bcj", paramLabel = "FILTER[,FILTER...]",
      description = "xz only: also try each data block through these branch filters and keep the smallest, as "
          + "mksquashfs -Xbcj (x86, arm64, arm, armthumb, powerpc, sparc); the kernel that mounts the image "
          + "needs CONFIG_XZ_DEC_<FILTER>")
  String xzBcj;

  @Option(names = "--block-size", paramLabel = "N", description = "data block size in bytes (default 131072)")
  int blockSize = SquashfsOptions.DEFAULT_BLOCK_SIZE;

  @Option(names = "--always-fragments", description = "also pack tails of files larger than a block into fragments")
  boolean alwaysFragments;

  @Option(names = "--source-date-epoch", paramLabel = "N",
      description = "clamp mtimes to N and record N as the image time (default: env SOURCE_DATE_EPOCH; without "
          + "either, mtimes are kept and the image time is 0)")
  Long sourceDateEpoch;

  @Option(names = "--json", description = "print the summary as JSON")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    SquashfsOptions options;
    try {
      options = options(System.getenv("SOURCE_DATE_EPOCH"));
    } catch (IllegalArgumentException e) {
      return fail(err, e.getMessage(), e, 2);
    }
    if (!FsCommand.isStdin(src) && !Files.exists(src)) {
      return fail(err, src + " does not exist", null, 2);
    }
    try {
      out = OutputFile.resolve(out, "image", "", true);
      OutputFile.refuseInUse(out);
    } catch (IllegalArgumentException e) {
      return fail(err, e.getMessage(), e, 2);
    }
    boolean device = OutputFile.isBlockDevice(out);
    Path parent = out.toAbsolutePath().getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      return fail(err, "output directory of " + out + " does not exist", null, 2);
    }
    // Staged beside OUT: a killed run leaves neither a partial image nor the tar's unpacked blobs. For a
    // device (its directory is /dev, in memory) the tar's blobs are staged in the temporary directory.
    Progress progress = Progress.forStderr(err, false);
    try (StagingDirectory staging = StagingDirectory.create(
        device ? Path.of(System.getProperty("java.io.tmpdir")) : parent)) {
      String name = out.getFileName().toString();
      // Hashed only where squashfs compares contents: between files of one size.
      FsTree tree = FsCommand.readSource(src, out, staging, progress);
      SquashfsResult r;
      try (Progress.Step step = progress.start("Writing " + out)) {
        LongConsumer shown = step.toward(tree.contentBytes());
        r = device ? writeToDevice(tree, out, options, shown) : writeToStaging(tree, staging.file(name), options, shown);
        step.done(FsCommand.mib(r.imageSize()) + " squashfs");
      }
      if (!device) {
        staging.commit(List.of(name));
      }
      logging.debug(FsSquashfsCommand.class, "squashfs: {} level {}, blocks of {} bytes, {} threads, {} fragment blocks, "
          + "{} duplicate files stored once, {} uid/gid ids, {} xattr sets, {} bytes used", options.compression().cliName(),
          options.level(), options.blockSize(), options.threads(), r.fragments(), r.duplicateFiles(), r.ids(),
          r.xattrSets(), r.bytesUsed());
      print(r, options);
      return 0;
    } catch (TreeException e) {
      return fail(err, ErrorHandler.describe(e), e, 2);
    } catch (SquashfsException | IOException e) {
      return fail(err, ErrorHandler.describe(e), e, 1);
    }
  }

  /** The one-line failure on stderr, and with --json the JSON error on stdout. */
  private int fail(PrintWriter err, String message, Exception e, int exitCode) {
    return ErrorHandler.fail(spec.commandLine().getOut(), json, err, "cosbuild fs squashfs", message, e, exitCode,
        logging);
  }

  private static SquashfsResult writeToStaging(FsTree tree, Path file, SquashfsOptions options, LongConsumer progress)
      throws IOException, SquashfsException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      return BackgroundFlush.whileWriting(ch, c -> SquashfsWriter.write(tree, c, options, progress)); // commit syncs the rest
    }
  }

  /**
   * Writes the image onto a block device from its first byte, as mksquashfs does. A device cannot be
   * renamed into place, so its superblock block is zeroed (and flushed) first and the writer puts the
   * real superblock there last: a failed or killed run leaves a device no kernel mounts, never a mix of
   * the old image and the new one.
   */
  private static SquashfsResult writeToDevice(FsTree tree, Path device, SquashfsOptions options, LongConsumer progress)
      throws IOException, SquashfsException {
    try (FileChannel ch = FileChannel.open(device, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(4096, size));
      while (zeros.hasRemaining()) {
        ch.write(zeros, zeros.position());
      }
      ch.force(false);
      SquashfsResult r;
      try {
        r = BackgroundFlush.whileWriting(ch, c -> SquashfsWriter.write(tree, c, options, progress));
      } catch (IOException e) {
        throw new IOException("writing onto " + device + " (" + size + " bytes) failed: " + e.getMessage()
            + (ch.position() >= size ? "; the image does not fit" : ""), e);
      }
      if (r.imageSize() > size) {
        throw new IOException("the image (" + r.imageSize() + " bytes) does not fit on " + device + " (" + size + " bytes)");
      }
      ch.force(false);
      return r;
    }
  }

  /** The writer options from the flags, with {@code envEpoch} used when no flag gives one. */
  SquashfsOptions options(String envEpoch) {
    Compression c = Compression.parse(comp);
    OptionalLong epoch = OptionalLong.empty();
    if (sourceDateEpoch != null) {
      epoch = OptionalLong.of(sourceDateEpoch);
    } else if (envEpoch != null && !envEpoch.isBlank()) {
      try {
        epoch = OptionalLong.of(Long.parseLong(envEpoch.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("SOURCE_DATE_EPOCH is not a number: " + envEpoch);
      }
    }
    if (xzBcj != null && c != Compression.XZ) {
      throw new IllegalArgumentException("--xz-bcj needs --comp xz (BCJ filters are xz's), not " + c.cliName());
    }
    return new SquashfsOptions(c, level == null ? c.defaultLevel() : level, blockSize, epoch,
        Runtime.getRuntime().availableProcessors(), alwaysFragments, true,
        xzBcj == null ? Set.of() : XzFilter.parseList(xzBcj));
  }

  private void print(SquashfsResult r, SquashfsOptions o) throws IOException {
    PrintWriter w = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("image", out.toString());
      m.put("compression", o.compression().cliName());
      m.put("level", o.level());
      m.put("blockSize", o.blockSize());
      if (!o.xzFilters().isEmpty()) {
        m.put("xzFilters", o.xzFilters().stream().map(XzFilter::cliName).toList());
      }
      m.put("inodes", r.inodes());
      m.put("bytesUsed", r.bytesUsed());
      m.put("imageSize", r.imageSize());
      m.put("contentBytes", r.contentBytes());
      m.put("compressionRatio", Math.round(r.compressionRatio() * 1000) / 1000.0);
      m.put("fragments", r.fragments());
      m.put("duplicateFiles", r.duplicateFiles());
      m.put("ids", r.ids());
      m.put("xattrSets", r.xattrSets());
      w.println(Json.write(m));
    } else {
      w.printf(Locale.ROOT, "%s: squashfs %s level %d, %d inodes, %d bytes (%.1f MiB), content %d bytes, ratio %.2f%n",
          out, o.compression().cliName(), o.level(), r.inodes(), r.imageSize(), r.imageSize() / 1048576.0,
          r.contentBytes(), r.compressionRatio());
    }
    w.flush();
  }
}

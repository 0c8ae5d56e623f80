package io.cosbuild.cli;

import io.cosbuild.disk.DiskImageException;
import io.cosbuild.disk.inspect.DiskInspector;
import io.cosbuild.disk.inspect.DiskReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cosbuild disk}: disk image tools. Only subcommands do work. */
@Command(name = "disk", description = "Inspect disk images.", mixinStandardHelpOptions = true,
    subcommands = DiskCommand.Inspect.class)
public final class DiskCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getErr().println("cosbuild disk: a subcommand is required (inspect)");
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  /** {@code cosbuild disk inspect DISK [--json]}: partition table, file systems, verity facts. */
  @Command(name = "inspect", mixinStandardHelpOptions = true,
      description = {"Show a disk's partition table, each partition's file system and size, dm-verity superblock "
          + "facts and the root hash its partition UUIDs spell.",
          "Exit 0 when the GPT is healthy, 1 when it has problems (listed), 2 when the disk cannot be read or "
              + "is no raw disk (a directory, a FIFO, a qcow2 image)."})
  public static final class Inspect implements Callable<Integer> {
    private static final String NAME = "cosbuild disk inspect";
    @Spec CommandSpec spec;
    @Mixin LoggingOptions logging;

    @Parameters(index = "0", paramLabel = "DISK", description = "raw disk image (e.g. disk.raw) or block device")
    Path disk;

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      DiskReport report;
      try {
        report = DiskInspector.inspect(disk);
      } catch (DiskImageException e) {
        return failed(out, err, ErrorHandler.describe(e), e);
      } catch (IOException e) {
        // A FileSystemException names its file, and describe() adds the reason (permission denied) the JDK omits.
        String what = (e instanceof FileSystemException fs && fs.getFile() != null ? "" : disk + ": ")
            + ErrorHandler.describe(e);
        return failed(out, err, "cannot read " + what, e);
      }
      if (json) {
        out.println(Json.write(report));
      } else {
        out.print(DiskInspector.toText(report));
      }
      out.flush();
      return report.gptProblems().isEmpty() ? 0 : 1;
    }

    /** The message on stderr, and with {@code --json} as JSON on stdout too. */
    private int failed(PrintWriter out, PrintWriter err, String message, Exception e) {
      if (json) {
        ErrorHandler.jsonError(out, message, Main.USAGE);
      }
      return ErrorHandler.report(err, NAME, message, e, Main.USAGE, logging);
    }
  }
}

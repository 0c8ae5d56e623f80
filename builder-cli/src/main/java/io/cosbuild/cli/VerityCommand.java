package io.cosbuild.cli;

import io.cosbuild.verity.VerityException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cosbuild verity format|verify}: dm-verity hash trees that {@code veritysetup} and the kernel accept.
 * Usable on its own: {@code Main.withSubcommands("verity", new VerityCommand(), null).execute(args)}.
 */
@Command(name = "verity", description = "Format and verify dm-verity hash trees (veritysetup compatible).",
    mixinStandardHelpOptions = true) // subcommands: CosbuildCommand.GROUPS
public final class VerityCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "say format or verify");
  }

  /**
   * Exit code for an exception from the verity core, after printing its one-line message (and its
   * stack trace under {@code -v} or {@code --stacktrace}): 2 for what the user gave (options, paths that are
   * missing, unreadable or of the wrong kind), 1 for everything else; with {@code json}, the JSON error on stdout.
   */
  static int fail(CommandSpec spec, Exception e, LoggingOptions logging, boolean json) {
    boolean usage = e instanceof IllegalArgumentException || e instanceof VerityException
        || e instanceof NoSuchFileException || e instanceof java.nio.file.AccessDeniedException;
    return ErrorHandler.fail(spec.commandLine().getOut(), json, spec.commandLine().getErr(), spec.qualifiedName(),
        ErrorHandler.describe(e), e, usage ? 2 : 1, logging);
  }
}

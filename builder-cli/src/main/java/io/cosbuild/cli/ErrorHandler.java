package io.cosbuild.cli;

import io.cosbuild.cli.build.StagingDirectory;
import io.cosbuild.packages.InputException;
import io.cosbuild.spec.ProfileException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IExitCodeExceptionMapper;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns exceptions into the contract's exit codes and a short message: {@code cosbuild: <what>}.
 * The stack trace is printed only with {@code --stacktrace} or {@code -v}. One class for picocli's three
 * handler interfaces, not method references: a lambda of picocli's (Java 5) interfaces keeps them and
 * their implementors out of the launcher's class-data archive and is generated anew at every start.
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler, IExitCodeExceptionMapper {

  @Override
  public int getExitCode(Throwable ex) {
    return exitCodeOf(ex);
  }

  @Override
  public int handleParseException(CommandLine.ParameterException ex, String[] args) {
    if (java.util.Arrays.asList(args).contains("--json")) {
      jsonError(ex.getCommandLine().getOut(), ex.getMessage(), Main.USAGE);
    }
    return usageError(ex, args);
  }

  /**
   * What a command asked for {@code --json} prints on stdout when it fails, so that stdout is JSON whatever
   * happens: {@code {"error": ..., "exitCode": ..., "ok": false}}. The message also goes to stderr as usual.
   */
  static void jsonError(PrintWriter out, String message, int exitCode) {
    out.println(Json.write(java.util.Map.of("ok", false, "exitCode", exitCode, "error", message)));
    out.flush();
  }

  /**
   * The one-line account of {@code ex}: its message, except where the JDK's is only a path
   * ({@code NoSuchFileException}, {@code AccessDeniedException}) and needs the reason said.
   */
  static String describe(Exception ex) {
    if (ex instanceof java.nio.file.FileSystemException fs && fs.getReason() == null && fs.getFile() != null) {
      String why = ex instanceof NoSuchFileException ? "no such file or directory"
          : ex instanceof java.nio.file.AccessDeniedException ? "permission denied"
          : ex.getClass().getSimpleName();
      return fs.getFile() + (fs.getOtherFile() == null ? "" : " -> " + fs.getOtherFile()) + ": " + why;
    }
    return ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
  }

  /**
   * For commands that handle their own failures: prints {@code <command>: <what>} (and the stack
   * trace when asked for) and returns {@code exitCode}.
   */
  static int report(PrintWriter err, String command, Exception ex, int exitCode, LoggingOptions logging) {
    return report(err, command, describe(ex), ex, exitCode, logging);
  }

  /** {@link #report(PrintWriter, String, Exception, int, LoggingOptions)} with the line given; {@code ex} may be null. */
  static int report(PrintWriter err, String command, String message, Exception ex, int exitCode,
      LoggingOptions logging) {
    if (reportedInterrupted(err, command)) {
      return exitCode;
    }
    err.println(command + ": " + message);
    if (ex != null && logging != null && logging.stackTraces()) {
      ex.printStackTrace(err);
    }
    err.flush();
    return exitCode;
  }

  /**
   * {@link #report(PrintWriter, String, String, Exception, int, LoggingOptions)} for a command that handles its
   * own failures, with {@link #jsonError} on {@code out} first when it was asked for {@code --json}.
   */
  static int fail(PrintWriter out, boolean json, PrintWriter err, String command, String message, Exception ex,
      int exitCode, LoggingOptions logging) {
    if (json) {
      jsonError(out, message, exitCode);
    }
    return report(err, command, message, ex, exitCode, logging);
  }

  /**
   * When the JVM is being stopped, the shutdown hook has deleted the files the command was writing:
   * its error says nothing more than that, so only that is said.
   */
  private static boolean reportedInterrupted(PrintWriter err, String command) {
    if (!StagingDirectory.removedByShutdown()) {
      return false;
    }
    err.println(command + ": interrupted; nothing was written");
    err.flush();
    return true;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
    PrintWriter err = cl.getErr();
    if (reportedInterrupted(err, "cosbuild")) {
      return exitCodeOf(ex);
    }
    String message = describe(ex);
    if (matched(parsed, "--json")) {
      jsonError(cl.getOut(), message, exitCodeOf(ex));
    }
    if (ex instanceof ProfileException) {
      err.println("cosbuild: the profile has errors:");
      err.println(message.indent(2).stripTrailing());
    } else {
      err.println("cosbuild: " + message);
    }
    if (wantsStackTrace(parsed)) {
      ex.printStackTrace(err);
    }
    err.flush();
    return exitCodeOf(ex);
  }

  static int exitCodeOf(Throwable ex) {
    if (ex instanceof UsageException || ex instanceof ProfileException || ex instanceof NoSuchFileException
        || ex instanceof IllegalArgumentException || ex instanceof CommandLine.ParameterException
        || ex instanceof InputException) {
      return Main.USAGE;
    }
    // The image build reports every packages error as a build failure; a missing keyring or a bad mirror
    // is still the user's input.
    if (ex instanceof BuildFailure && ex.getCause() instanceof InputException) {
      return Main.USAGE;
    }
    return Main.FAILED;
  }

  static int usageError(CommandLine.ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    PrintWriter err = cl.getErr();
    err.println("cosbuild: " + ex.getMessage());
    if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, err)) {
      err.println("Run '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
    }
    err.flush();
    return Main.USAGE;
  }

  private static boolean wantsStackTrace(ParseResult parsed) {
    return matched(parsed, "--stacktrace") || matched(parsed, "--verbose");
  }

  /** Whether {@code option} was given to the command or any of its subcommands. */
  private static boolean matched(ParseResult parsed, String option) {
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption(option)) {
        return true;
      }
    }
    return false;
  }
}

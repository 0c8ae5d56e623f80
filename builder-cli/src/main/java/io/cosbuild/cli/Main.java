package io.cosbuild.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Entry point. {@link #run} returns the exit code so tests can call the CLI in-process. */
public final class Main {

  /** Exit codes of the CLI contract. */
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(System.out, System.err, args));
  }

  public static int run(PrintStream out, PrintStream err, String... args) {
    CommandLine cl = commandLine();
    cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
    cl.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
    return cl.execute(args);
  }

  /** The configured command tree, with the exit-code and error-message rules applied. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new CosbuildCommand());
    cl.setExecutionExceptionHandler(new ErrorHandler());
    cl.setExitCodeExceptionMapper(ErrorHandler::exitCodeOf);
    cl.setParameterExceptionHandler(ErrorHandler::usageError);
    cl.getCommandSpec().exitCodeOnInvalidInput(USAGE);
    cl.getCommandSpec().exitCodeOnExecutionException(FAILED);
    return cl;
  }
}

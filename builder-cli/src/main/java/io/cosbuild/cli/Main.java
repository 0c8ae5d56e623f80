package io.cosbuild.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
    CommandLine cl = commandLine(args);
    cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
    cl.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
    return cl.execute(args);
  }

  /** The full command tree, with the exit-code and error-message rules applied. */
  public static CommandLine commandLine() {
    return commandLine(new String[0]);
  }

  /**
   * The command tree for {@code args}: when the first argument names a command (and completion is
   * not asked for), only that command is registered; otherwise all are, for help and suggestions.
   */
  static CommandLine commandLine(String[] args) {
    CommandLine cl = new CommandLine(new CosbuildCommand());
    String first = args.length > 0 ? args[0] : "";
    boolean one = CosbuildCommand.SUBCOMMANDS.containsKey(first) && !first.equals("generate-completion");
    String second = one && args.length > 1 ? args[1] : null;
    CosbuildCommand.SUBCOMMANDS.forEach((name, command) -> {
      if (!one || name.equals(first)) {
        cl.addSubcommand(name, withSubcommands(name, command, second));
      }
    });
    ErrorHandler handler = new ErrorHandler();
    cl.setExecutionExceptionHandler(handler);
    cl.setExitCodeExceptionMapper(handler);
    cl.setParameterExceptionHandler(handler);
    cl.getCommandSpec().exitCodeOnInvalidInput(USAGE);
    cl.getCommandSpec().exitCodeOnExecutionException(FAILED);
    return cl;
  }

  /**
   * {@code command} (the one named {@code name}: an instance or a class) with its subcommands from
   * {@link CosbuildCommand#GROUPS}: only the one named {@code invoked} when there is one of that name,
   * otherwise all of them.
   */
  static CommandLine withSubcommands(String name, Object command, String invoked) {
    CommandLine cl = new CommandLine(command);
    List<Class<?>> subcommands = CosbuildCommand.GROUPS.getOrDefault(name, List.of());
    boolean one = false;
    for (Class<?> c : subcommands) {
      one |= c.getAnnotation(CommandLine.Command.class).name().equals(invoked);
    }
    for (Class<?> c : subcommands) {
      if (!one || c.getAnnotation(CommandLine.Command.class).name().equals(invoked)) {
        cl.addSubcommand(c);
      }
    }
    return cl;
  }
}

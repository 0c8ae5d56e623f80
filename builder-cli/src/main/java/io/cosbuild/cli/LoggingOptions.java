package io.cosbuild.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** {@code -v} and {@code --stacktrace}, shared by every command that does work. */
public final class LoggingOptions {

  private boolean verbose;

  @Option(names = {"-v", "--verbose"}, description = "Debug logging (and stack traces on errors).")
  void setVerbose(boolean verbose) {
    this.verbose = verbose;
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(verbose ? Level.DEBUG : Level.INFO);
  }

  @Option(names = "--stacktrace", description = "Print the stack trace of an error.")
  boolean stacktrace;

  /** Whether an error should be shown with its stack trace. */
  boolean stackTraces() {
    return verbose || stacktrace;
  }
}

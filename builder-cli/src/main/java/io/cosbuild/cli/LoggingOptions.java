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

  /**
   * Logs at debug level, which only {@code -v} shows. Logging is not even started otherwise: starting
   * logback costs 0.1 s, and the fs and verity commands are measured against C tools.
   */
  void debug(Class<?> where, String format, Object... args) {
    if (verbose) {
      LoggerFactory.getLogger(where).debug(format, args);
    }
  }

  /** Whether an error should be shown with its stack trace. */
  boolean stackTraces() {
    return verbose || stacktrace;
  }
}

package io.cosbuild.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The CLI's logging set-up, found by logback through {@code META-INF/services}: INFO and above to
 * stderr (stdout stays clean for JSON and summaries) as {@code LEVEL Logger: message}. Built in code
 * because reading an XML configuration costs about a quarter of a second at every start. A
 * {@code -Dlogback.configurationFile=FILE} still takes precedence.
 */
public final class ConsoleLogging extends ContextAwareBase implements Configurator {

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    LineLayout layout = new LineLayout();
    layout.setContext(context);
    layout.start();
    encoder.setLayout(layout);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(stderr);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** {@code %-5level %logger{0}: %msg%n} and the stack trace, without logback's pattern parser. */
  static final class LineLayout extends LayoutBase<ILoggingEvent> {
    @Override
    public String doLayout(ILoggingEvent event) {
      String logger = event.getLoggerName();
      StringBuilder sb = new StringBuilder(80);
      String level = event.getLevel().toString();
      sb.append(level).append(" ".repeat(Math.max(0, 5 - level.length()))).append(' ')
          .append(logger, logger.lastIndexOf('.') + 1, logger.length()).append(": ")
          .append(event.getFormattedMessage()).append(System.lineSeparator());
      IThrowableProxy thrown = event.getThrowableProxy();
      if (thrown != null) {
        sb.append(ThrowableProxyUtil.asString(thrown));
      }
      return sb.toString();
    }
  }
}

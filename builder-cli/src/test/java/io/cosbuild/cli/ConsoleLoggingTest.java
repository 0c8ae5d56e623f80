package io.cosbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ConsoleLoggingTest {

  @Test
  void logbackFindsTheConfigurationAndLogsInfoToStderr() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    ConsoleAppender<?> stderr = assertInstanceOf(ConsoleAppender.class, root.getAppender("STDERR"));
    assertEquals("System.err", stderr.getTarget());
    assertEquals(Level.INFO, root.getLevel());
  }

  @Test
  void linesNameTheLevelAndTheClassAndCarryTheStackTrace() {
    LoggerContext context = new LoggerContext();
    ConsoleLogging.LineLayout layout = new ConsoleLogging.LineLayout();
    Logger logger = context.getLogger("io.cosbuild.cli.build.ImageBuilder");
    String nl = System.lineSeparator();

    String info = layout.doLayout(new LoggingEvent("x", logger, Level.INFO, "wrote {} bytes", null, new Object[] {42}));
    assertEquals("INFO  ImageBuilder: wrote 42 bytes" + nl, info);

    String warn = layout.doLayout(new LoggingEvent("x", logger, Level.WARN, "failed", new IllegalStateException("bad"), null));
    assertTrue(warn.startsWith("WARN  ImageBuilder: failed" + nl + "java.lang.IllegalStateException: bad" + nl + "\tat "), warn);
    assertTrue(warn.endsWith(nl) && !warn.endsWith(nl + nl), warn);
  }
}

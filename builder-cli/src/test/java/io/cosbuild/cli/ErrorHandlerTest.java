package io.cosbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ErrorHandlerTest {

  @Test
  void pathOnlyMessagesOfTheJdkGetTheirReason() {
    assertEquals("/src/etc/x: no such file or directory", ErrorHandler.describe(new NoSuchFileException("/src/etc/x")));
    assertEquals("/src/etc/x: permission denied", ErrorHandler.describe(new AccessDeniedException("/src/etc/x")));
    assertEquals("/a: gone", ErrorHandler.describe(new NoSuchFileException("/a", null, "gone")));
    assertEquals("disk full", ErrorHandler.describe(new IOException("disk full")));
    assertEquals("IOException", ErrorHandler.describe(new IOException()));
  }

  @Test
  void reportPrintsTheCommandAndAStackTraceOnlyWhenAsked() {
    LoggingOptions quiet = new LoggingOptions();
    LoggingOptions traced = new LoggingOptions();
    new CommandLine(new Holder(traced)).parseArgs("--stacktrace");
    StringWriter a = new StringWriter();
    assertEquals(1, ErrorHandler.report(new PrintWriter(a), "cosbuild fs ext4", new IOException("boom"), 1, quiet));
    assertEquals("cosbuild fs ext4: boom" + System.lineSeparator(), a.toString());
    StringWriter b = new StringWriter();
    assertEquals(2, ErrorHandler.report(new PrintWriter(b), "cosbuild fs ext4", new IOException("boom"), 2, traced));
    assertTrue(b.toString().contains("at io.cosbuild.cli.ErrorHandlerTest"), b.toString());
  }

  @CommandLine.Command(name = "holder")
  static final class Holder {
    @CommandLine.Mixin final LoggingOptions logging;

    Holder(LoggingOptions logging) {
      this.logging = logging;
    }
  }
}

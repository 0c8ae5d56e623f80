package io.cosbuild.cli.build;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * Progress of long steps on stderr. On a terminal one line per step is redrawn in place with a
 * percentage; otherwise (CI logs, pipes) each step prints a start line and an end line with its
 * duration, so logs stay readable. Not thread-safe except {@link Step#update}, which may be called
 * from worker threads.
 */
public final class Progress {

  private final PrintWriter err;
  private final boolean interactive;
  private final boolean quiet;

  public Progress(PrintWriter err, boolean interactive, boolean quiet) {
    this.err = err;
    this.interactive = interactive;
    this.quiet = quiet;
  }

  /** Interactive when a console is attached and the terminal can redraw a line. */
  public static Progress forStderr(PrintWriter err, boolean quiet) {
    String term = System.getenv("TERM");
    boolean tty = System.console() != null && term != null && !term.equals("dumb") && System.getenv("CI") == null;
    return new Progress(err, tty, quiet);
  }

  /**
   * Progress only where someone watches: redrawn on a terminal, nothing at all otherwise, for commands whose
   * stderr is part of their contract (verity's, which print what veritysetup prints).
   */
  public static Progress onTerminalOnly(PrintWriter err) {
    Progress p = forStderr(err, false);
    return p.interactive ? p : new Progress(err, false, true);
  }

  public Step start(String name) {
    return new Step(name);
  }

  /** One running step. */
  public final class Step implements AutoCloseable {
    private final String name;
    private final long started = System.nanoTime();
    private volatile long lastDraw;
    private boolean finished;

    private Step(String name) {
      this.name = name;
      if (!quiet) {
        if (interactive) {
          draw("");
        } else {
          err.println("==> " + name);
          err.flush();
        }
      }
    }

    /** Reports {@code done} of {@code total} units (bytes, files); cheap to call often. */
    public void update(long done, long total) {
      if (quiet || !interactive || total <= 0) {
        return;
      }
      long now = System.nanoTime();
      if (now - lastDraw < 100_000_000L) {
        return;
      }
      lastDraw = now;
      synchronized (Progress.this) {
        draw(String.format(Locale.ROOT, " %3d%%", Math.min(100, done * 100 / total)));
      }
    }

    /** Reports to {@link #update} the amounts a writer tells, out of {@code total}. */
    public LongConsumer toward(long total) {
      return done -> update(done, total);
    }

    /** Ends the step with a short result, e.g. "412 packages". */
    public void done(String detail) {
      if (finished) {
        return;
      }
      finished = true;
      if (quiet) {
        return;
      }
      String took = String.format(Locale.ROOT, "%.1fs", (System.nanoTime() - started) / 1e9);
      String line = name + ": " + (detail.isEmpty() ? "" : detail + " ") + "(" + took + ")";
      if (interactive) {
        err.print("\r\033[2K" + line + "\n");
      } else {
        err.println("    " + line);
      }
      err.flush();
    }

    private void draw(String suffix) {
      err.print("\r\033[2K" + name + "..." + suffix);
      err.flush();
    }

    @Override
    public void close() {
      if (!finished && !quiet && interactive) {
        err.print("\r\033[2K");
        err.flush();
      }
      finished = true;
    }
  }
}

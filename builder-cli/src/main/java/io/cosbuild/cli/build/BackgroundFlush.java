package io.cosbuild.cli.build;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Flushes an image file to disk while it is still being written, so that the final {@code fsync}
 * finds little left to write: the disk works while the writer computes. Never interrupts its
 * thread: an interrupt during {@code force} would close the channel under the writer. A failed
 * flush is rethrown by {@link #close()}: the kernel reports a write-back error to one
 * {@code fsync} only, so the final one would not see it again.
 */
public final class BackgroundFlush implements AutoCloseable {
  /** Long enough that each flush has megabytes to write, short enough that little is left at the end. */
  private static final long INTERVAL_MS = 250;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Thread thread;
  private volatile IOException failure;

  private BackgroundFlush(FileChannel ch, long intervalMs) {
    thread = new Thread(() -> {
      try {
        while (!stop.await(intervalMs, TimeUnit.MILLISECONDS)) {
          ch.force(false);
        }
      } catch (IOException e) {
        failure = e;
      } catch (InterruptedException e) {
        // Not interrupted by close(); nothing left to do.
      }
    }, "cosbuild-flush");
    thread.setDaemon(true);
  }

  /** Writes an image to a channel. */
  @FunctionalInterface
  public interface ChannelWriter<T, E extends Exception> {
    T write(FileChannel ch) throws IOException, E;
  }

  /**
   * Runs {@code writer} on {@code ch} while flushing {@code ch} in the background; a failed flush
   * fails the call, and a failed write still waits for the flush under way.
   */
  public static <T, E extends Exception> T whileWriting(FileChannel ch, ChannelWriter<T, E> writer) throws IOException, E {
    BackgroundFlush flush = start(ch);
    T result;
    try {
      result = writer.write(ch);
    } catch (Throwable t) {
      try {
        flush.close();
      } catch (IOException e) {
        t.addSuppressed(e);
      }
      throw t;
    }
    flush.close();
    return result;
  }

  /** Starts flushing {@code ch} every 250 ms until {@link #close()}. */
  public static BackgroundFlush start(FileChannel ch) {
    return start(ch, INTERVAL_MS);
  }

  static BackgroundFlush start(FileChannel ch, long intervalMs) {
    BackgroundFlush f = new BackgroundFlush(ch, intervalMs);
    f.thread.start();
    return f;
  }

  boolean running() {
    return thread.isAlive();
  }

  /** Stops flushing and waits for a flush under way to end; throws what a flush failed with. */
  @Override
  public void close() throws IOException {
    stop.countDown();
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw new IOException("writing to disk failed: " + failure.getMessage(), failure);
    }
  }
}

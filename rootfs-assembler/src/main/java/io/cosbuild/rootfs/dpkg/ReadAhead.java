package io.cosbuild.rootfs.dpkg;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Reads packages on every core, in their order, for a caller that takes the results one by one in that order: the
 * work of reading (decompressing, hashing) overlaps, yet what the caller sees, the first failure included, is what
 * reading them one after another would give. Closing stops the reads not yet begun and waits for the others. One
 * caller thread.
 *
 * @param <T> what a read gives
 */
public final class ReadAhead<T> implements AutoCloseable {

  /** One package's read. */
  public interface Read<T> {
    T read() throws PackageException;
  }

  private final ExecutorService readers;
  private final List<Future<T>> reads = new ArrayList<>();

  /** Starts {@code reads} on a thread per core (at most one per read), named {@code threadName}. */
  public ReadAhead(List<? extends Read<T>> reads, String threadName) {
    this(reads, new long[reads.size()], threadName);
  }

  /**
   * As {@link #ReadAhead(List, String)}, starting the costliest reads first ({@code costs[i]} estimates read i's
   * work): a large package last in the list (the kernel's, with its modules) would otherwise be read on one core
   * at the end while the others have nothing left to do. What the caller sees does not change.
   */
  public ReadAhead(List<? extends Read<T>> reads, long[] costs, String threadName) {
    if (costs.length != reads.size()) {
      throw new IllegalArgumentException(costs.length + " costs for " + reads.size() + " reads");
    }
    int threads = Math.max(1, Math.min(reads.size(), Runtime.getRuntime().availableProcessors()));
    readers = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
    Integer[] order = new Integer[reads.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> costs[a] != costs[b] ? Long.compare(costs[b], costs[a]) : Integer.compare(a, b));
    List<Future<T>> started = new ArrayList<>(Collections.nCopies(order.length, null));
    for (int i : order) {
      Read<T> r = reads.get(i);
      started.set(i, readers.submit(r::read));
    }
    this.reads.addAll(started);
  }

  /** The result of read {@code i}, waiting for it; its failure is thrown as it was. */
  public T get(int i) throws PackageException {
    try {
      return reads.get(i).get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof PackageException pe) {
        throw pe;
      } else if (e.getCause() instanceof RuntimeException re) {
        throw re;
      } else if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PackageException("interrupted while reading the packages", e);
    }
  }

  /**
   * Stops the reads not yet begun and waits (a minute at most) for those under way, which a file read does not
   * abandon at an interrupt: when the caller goes on, after a failure too, none of them still writes to the blob
   * store (a test's temporary directory could not be deleted while one did).
   */
  @Override
  public void close() {
    readers.shutdownNow();
    try {
      readers.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

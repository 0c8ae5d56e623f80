package io.cosbuild.rootfs.dpkg;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads packages on every core, in their order, for a caller that takes the results one by one in that order: the
 * work of reading (decompressing, hashing) overlaps, yet what the caller sees, the first failure included, is what
 * reading them one after another would give. Closing stops the reads not yet begun. One caller thread.
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
    int threads = Math.max(1, Math.min(reads.size(), Runtime.getRuntime().availableProcessors()));
    readers = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
    for (Read<T> r : reads) {
      this.reads.add(readers.submit(r::read));
    }
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

  @Override
  public void close() {
    readers.shutdownNow();
  }
}

package io.cosbuild.rootfs.dpkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReadAheadTest {

  /** A read that fails at once after a slow one that fails too: the caller, going in order, meets the slow one's. */
  @Test
  void resultsAndFailuresComeInOrderWhateverFinishesFirst() throws Exception {
    CountDownLatch laterFailed = new CountDownLatch(1);
    List<ReadAhead.Read<String>> reads = List.of(
        () -> "first",
        () -> {
          try {
            laterFailed.await(10, TimeUnit.SECONDS); // after the later read has failed, where two threads run
          } catch (InterruptedException e) {
            throw new PackageException("interrupted", e);
          }
          throw new PackageException("second is broken");
        },
        () -> {
          laterFailed.countDown();
          throw new PackageException("third is broken");
        });
    try (ReadAhead<String> ahead = new ReadAhead<>(reads, "test-reader")) {
      assertEquals("first", ahead.get(0));
      PackageException e = assertThrows(PackageException.class, () -> ahead.get(1));
      assertEquals("second is broken", e.getMessage());
    }
  }

  @Test
  void readsRunOnSeveralThreadsWhenThereAreCores() throws Exception {
    int n = Math.min(4, Runtime.getRuntime().availableProcessors());
    CountDownLatch all = new CountDownLatch(n);
    Set<String> threads = ConcurrentHashMap.newKeySet();
    List<ReadAhead.Read<Integer>> reads = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      int v = i;
      reads.add(() -> {
        threads.add(Thread.currentThread().getName() + "@" + System.identityHashCode(Thread.currentThread()));
        all.countDown();
        try {
          all.await(); // only returns when n reads run at once
        } catch (InterruptedException e) {
          throw new PackageException("interrupted", e);
        }
        return v;
      });
    }
    try (ReadAhead<Integer> ahead = new ReadAhead<>(reads, "test-reader")) {
      for (int i = 0; i < n; i++) {
        assertEquals(i, ahead.get(i));
      }
    }
    assertEquals(n, threads.size());
    assertTrue(threads.stream().allMatch(t -> t.startsWith("test-reader@")), threads.toString());
  }

  /** The costliest reads start first (a large package last in the list must not run alone at the end). */
  @Test
  void theCostliestReadsStartFirstAndResultsStillComeInOrder() throws Exception {
    int threads = Runtime.getRuntime().availableProcessors();
    long[] costs = new long[threads + 4];
    for (int i = 0; i < costs.length; i++) {
      costs[i] = i; // the costliest are the last ones
    }
    List<Integer> started = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    CountDownLatch firstWave = new CountDownLatch(threads);
    CountDownLatch release = new CountDownLatch(1);
    List<ReadAhead.Read<Integer>> reads = new java.util.ArrayList<>();
    for (int i = 0; i < costs.length; i++) {
      int v = i;
      reads.add(() -> {
        started.add(v);
        firstWave.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          throw new PackageException("interrupted", e);
        }
        return v * 10;
      });
    }
    try (ReadAhead<Integer> ahead = new ReadAhead<>(reads, costs, "test-reader")) {
      assertTrue(firstWave.await(10, TimeUnit.SECONDS));
      java.util.Set<Integer> costliest = new java.util.HashSet<>();
      for (int i = costs.length - threads; i < costs.length; i++) {
        costliest.add(i);
      }
      assertEquals(costliest, new java.util.HashSet<>(started), "started first: " + started);
      release.countDown();
      for (int i = 0; i < costs.length; i++) {
        assertEquals(i * 10, ahead.get(i));
      }
    }
  }
}

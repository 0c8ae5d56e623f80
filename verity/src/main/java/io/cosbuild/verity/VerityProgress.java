package io.cosbuild.verity;

/**
 * Told how far a long pass (hashing the data, encoding FEC) has come, for a progress display. Called from the
 * worker threads, at most once per chunk of several MiB, so it must be thread-safe and cheap; {@code done} grows
 * to {@code total}, both in bytes of input.
 */
@FunctionalInterface
public interface VerityProgress {

  /** Reports nothing. */
  VerityProgress NONE = (done, total) -> { };

  void update(long done, long total);
}

package io.cosbuild.cli.boot;

/** How waiting on a guest's console ended. */
public enum BootOutcome {
  /** The expected text appeared. */
  FOUND,
  /** The kernel panicked (e.g. dm-verity found a corrupted block) before the text appeared. */
  PANIC,
  /** QEMU exited before the text appeared. */
  EXITED,
  /** Time ran out. */
  TIMEOUT
}

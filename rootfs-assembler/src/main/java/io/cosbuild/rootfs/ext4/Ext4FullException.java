package io.cosbuild.rootfs.ext4;

/**
 * The tree does not fit the filesystem's given size: the inodes it needs (found while planning) or its data (found
 * only while writing: sparse files show their size then). Callers say what to change (a command line option, a
 * profile field, a larger device), and how large the computed size would be.
 */
public class Ext4FullException extends Ext4Exception {
  private static final long serialVersionUID = 1L;

  private final long computedBytes;

  public Ext4FullException(String message) {
    this(message, 0);
  }

  Ext4FullException(String message, long computedBytes) {
    super(message);
    this.computedBytes = computedBytes;
  }

  /**
   * The size the writer computes for this tree when it is given none (its estimate with the documented margin), for
   * the caller to suggest; 0 when not known.
   */
  public long computedBytes() {
    return computedBytes;
  }

  /** {@link #computedBytes()} in MiB, rounded up, so that a size given that way is at least as large. */
  public long computedMiB() {
    return (computedBytes + (1 << 20) - 1) >> 20;
  }
}

package io.cosbuild.disk;

/**
 * A disk image could not be planned, written or read: the message names what failed, where, and what to do.
 * Checked, because a caller can always report it to the user.
 */
public class DiskImageException extends Exception {
  private static final long serialVersionUID = 1L;

  public DiskImageException(String message) {
    super(message);
  }

  public DiskImageException(String message, Throwable cause) {
    super(message, cause);
  }
}

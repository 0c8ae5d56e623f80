package io.cosbuild.verity;

/** A dm-verity operation could not be carried out: bad input, an unreadable superblock, or an I/O failure. */
public class VerityException extends Exception {
  private static final long serialVersionUID = 1L;

  public VerityException(String message) {
    super(message);
  }

  public VerityException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.cosbuild.rootfs.squashfs;

/** A squashfs image could not be written (or parsed); the message names what and where. */
public class SquashfsException extends Exception {
  private static final long serialVersionUID = 1L;

  public SquashfsException(String message) {
    super(message);
  }

  public SquashfsException(String message, Throwable cause) {
    super(message, cause);
  }
}

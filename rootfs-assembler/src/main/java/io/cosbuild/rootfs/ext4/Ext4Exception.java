package io.cosbuild.rootfs.ext4;

/** An ext4 image could not be written or read; the message names what and where. */
public class Ext4Exception extends Exception {
  private static final long serialVersionUID = 1L;

  public Ext4Exception(String message) {
    super(message);
  }

  public Ext4Exception(String message, Throwable cause) {
    super(message, cause);
  }
}

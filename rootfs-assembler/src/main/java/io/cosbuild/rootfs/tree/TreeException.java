package io.cosbuild.rootfs.tree;

/** An entry that cannot be added to a tree as asked; the message names the path and why. */
public class TreeException extends Exception {
  private static final long serialVersionUID = 1L;

  public TreeException(String message) {
    super(message);
  }

  public TreeException(String message, Throwable cause) {
    super(message, cause);
  }
}

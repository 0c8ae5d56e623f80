package io.cosbuild.rootfs.tree;

/** A path that would leave the image root or pass through something that is not a directory. */
public class UnsafePathException extends TreeException {
  private static final long serialVersionUID = 1L;

  public UnsafePathException(String message) {
    super(message);
  }
}

package io.cosbuild.rootfs.dpkg;

/**
 * A package that cannot be read or installed: the message starts with the package (name and
 * version, or the file) and says what is wrong with it.
 */
public class PackageException extends Exception {
  private static final long serialVersionUID = 1L;

  public PackageException(String message) {
    super(message);
  }

  public PackageException(String message, Throwable cause) {
    super(message, cause);
  }
}

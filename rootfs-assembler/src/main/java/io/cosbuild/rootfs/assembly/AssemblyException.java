package io.cosbuild.rootfs.assembly;

/**
 * An assembly step could not do what the plan asked: the message names the step or package, the
 * path, and what to change.
 */
public class AssemblyException extends Exception {
  private static final long serialVersionUID = 1L;

  public AssemblyException(String message) {
    super(message);
  }

  public AssemblyException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.cosbuild.cli;

/** A build or check that ran and failed: exit code 1, message only. */
public class BuildFailure extends Exception {
  private static final long serialVersionUID = 1L;

  public BuildFailure(String message) {
    super(message);
  }

  public BuildFailure(String message, Throwable cause) {
    super(message, cause);
  }
}

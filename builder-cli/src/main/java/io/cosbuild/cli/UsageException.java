package io.cosbuild.cli;

/** Bad input from the user (a missing file, a wrong value): exit code 2, message only. */
public class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }

  public UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.cosbuild.packages;

/**
 * Something the caller named is missing, unreadable or not what it should be: a keyring, a lock file, a mirror URL,
 * an apt sources file. Not a repository or resolution failure: the CLI reports it as an input error (exit 2). The
 * message names the file, option or variable.
 */
public class InputException extends PackagesException {
    public InputException(String message) {
        super(message);
    }

    public InputException(String message, Throwable cause) {
        super(message, cause);
    }
}

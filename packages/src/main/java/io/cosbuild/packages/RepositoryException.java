package io.cosbuild.packages;

/** A repository or download could not be read, or its content does not match what the signed metadata says. */
public class RepositoryException extends PackagesException {
    public RepositoryException(String message) {
        super(message);
    }

    public RepositoryException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.cosbuild.packages;

/**
 * Base of the checked exceptions of the packages module. Messages name what failed, where, and what to do.
 */
public class PackagesException extends Exception {
    public PackagesException(String message) {
        super(message);
    }

    public PackagesException(String message, Throwable cause) {
        super(message, cause);
    }
}

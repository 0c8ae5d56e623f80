package io.cosbuild.packages.deb;

import io.cosbuild.packages.PackagesException;

/** A {@code .deb} file is malformed or hostile; the message names the file and the member. */
public class DebFormatException extends PackagesException {
    public DebFormatException(String message) {
        super(message);
    }

    public DebFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

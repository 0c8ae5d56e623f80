package io.cosbuild.packages.deb822;

import io.cosbuild.packages.PackagesException;

/** Malformed deb822 text; the message names the source and line. */
public class Deb822Exception extends PackagesException {
    public Deb822Exception(String message) {
        super(message);
    }
}

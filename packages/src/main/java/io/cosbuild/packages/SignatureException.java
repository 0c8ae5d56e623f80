package io.cosbuild.packages;

/**
 * A file failed an authenticity check: a bad or missing OpenPGP signature, an expired {@code Valid-Until},
 * or a checksum that differs from the signed metadata. The message names the file.
 */
public class SignatureException extends RepositoryException {
    private final String file;

    public SignatureException(String file, String message) {
        super(file + ": " + message);
        this.file = file;
    }

    public SignatureException(String file, String message, Throwable cause) {
        super(file + ": " + message, cause);
        this.file = file;
    }

    /** The file (URL or path) that was refused. */
    public String file() {
        return file;
    }
}

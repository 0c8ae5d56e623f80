package io.cosbuild.packages.repo;

import java.util.Objects;

/**
 * The SHA-256 of one index file a resolution was made from, named by suite and path under {@code dists/SUITE/}
 * (no host name, so a lock file is the same whichever mirror served it). Immutable and thread-safe.
 *
 * @param suite  the suite
 * @param path   {@code InRelease} or e.g. {@code main/binary-amd64/Packages.xz}
 * @param sha256 lower-case hex
 */
@com.fasterxml.jackson.annotation.JsonPropertyOrder({"suite", "path", "sha256"})
public record IndexDigest(String suite, String path, String sha256) implements Comparable<IndexDigest> {
    public IndexDigest {
        Objects.requireNonNull(suite, "suite");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sha256, "sha256");
    }

    @Override
    public int compareTo(IndexDigest o) {
        int c = suite.compareTo(o.suite);
        return c != 0 ? c : path.compareTo(o.path);
    }
}

package io.cosbuild.packages.lock;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * One package of a lock file: enough to download and verify it from any mirror of its suite.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name     package name
 * @param version  version as the index writes it
 * @param arch     {@code amd64}, {@code arm64} or {@code all}
 * @param suite    the suite it came from (selects the repository when fetching)
 * @param filename path relative to the repository base, e.g. {@code pool/main/b/busybox/...deb}
 * @param size     size in bytes
 * @param sha256   SHA-256 of the .deb, lower-case hex
 */
@JsonPropertyOrder({"name", "version", "arch", "suite", "filename", "size", "sha256"})
public record LockedPackage(String name, String version, String arch, String suite, String filename, long size,
                            String sha256) implements Comparable<LockedPackage> {
    public LockedPackage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(suite, "suite");
        Objects.requireNonNull(filename, "filename");
        Objects.requireNonNull(sha256, "sha256");
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(name + ": sha256 must be 64 lower-case hex digits, got '" + sha256 + "'");
        }
        if (filename.startsWith("/") || filename.contains("..") || filename.contains("://")) {
            throw new IllegalArgumentException(name + ": filename must be relative to the repository: " + filename);
        }
        if (size < 0) {
            throw new IllegalArgumentException(name + ": negative size");
        }
    }

    /** The .deb's file name in the pool, e.g. {@code busybox-static_1.35.0-4+b3_amd64.deb}. */
    public String debName() {
        return filename.substring(filename.lastIndexOf('/') + 1);
    }

    @Override
    public int compareTo(LockedPackage o) {
        int c = name.compareTo(o.name);
        return c != 0 ? c : arch.compareTo(o.arch);
    }
}

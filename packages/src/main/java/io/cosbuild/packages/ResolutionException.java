package io.cosbuild.packages;

import java.util.List;

/**
 * Dependency resolution failed: a dependency cannot be satisfied, two packages conflict, or a denied package is
 * needed. {@link #chain()} is the dependency chain from the request to the package at fault.
 */
public class ResolutionException extends PackagesException {
    private final List<String> chain;

    public ResolutionException(String message, List<String> chain) {
        super(message);
        this.chain = List.copyOf(chain);
    }

    /** The chain of package names from the request root to the failing package; never null. */
    public List<String> chain() {
        return chain;
    }
}

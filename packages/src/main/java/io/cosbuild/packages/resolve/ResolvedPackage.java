package io.cosbuild.packages.resolve;

import io.cosbuild.packages.repo.PackageRecord;
import java.util.List;

/**
 * A package of a resolution and why it is there. Immutable and thread-safe.
 *
 * @param pkg   the chosen package
 * @param chain the dependency chain that first pulled it in, from the request origin to the package itself
 */
public record ResolvedPackage(PackageRecord pkg, List<String> chain) {
    public ResolvedPackage {
        chain = List.copyOf(chain);
    }

    /** The chain as text: {@code gke -> systemd -> libc6}. */
    public String chainText() {
        return String.join(" -> ", chain);
    }
}

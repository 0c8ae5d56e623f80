package io.cosbuild.packages.resolve;

import io.cosbuild.packages.repo.PackageIndex;
import java.util.List;

/**
 * The closure of a request: every package to install, sorted by name.
 *
 * <p>Immutable and thread-safe.
 *
 * @param request  the request
 * @param packages the packages, sorted by name
 * @param dropped  dependencies dropped because only excluded packages could satisfy them, as
 *                 {@code "pkg: relation"} texts, sorted
 * @param index    the index the resolution was made from (digests and signers go into lock files)
 */
public record Resolution(ResolveRequest request, List<ResolvedPackage> packages, List<String> dropped,
                         PackageIndex index) {
    public Resolution {
        packages = List.copyOf(packages);
        dropped = List.copyOf(dropped);
    }

    /** Sum of the .deb sizes in bytes. */
    public long downloadSize() {
        return packages.stream().mapToLong(p -> p.pkg().size()).sum();
    }

    /** Sum of the Installed-Size fields, in KiB. */
    public long installedSizeKiB() {
        return packages.stream().mapToLong(p -> p.pkg().installedSizeKiB()).sum();
    }

    /** Package names, sorted. */
    public List<String> names() {
        return packages.stream().map(p -> p.pkg().name()).toList();
    }
}

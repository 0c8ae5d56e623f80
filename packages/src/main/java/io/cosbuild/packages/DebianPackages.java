package io.cosbuild.packages;

import io.cosbuild.packages.cache.ContentStore;
import io.cosbuild.packages.cache.DownloadCache;
import io.cosbuild.packages.lock.LockFile;
import io.cosbuild.packages.lock.LockedPackage;
import io.cosbuild.packages.repo.AptSources;
import io.cosbuild.packages.repo.PackageIndex;
import io.cosbuild.packages.repo.Repository;
import io.cosbuild.packages.repo.RepositoryClient;
import io.cosbuild.packages.repo.Transport;
import io.cosbuild.packages.resolve.Resolution;
import io.cosbuild.packages.resolve.ResolveRequest;
import io.cosbuild.packages.resolve.Resolver;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The module's entry points for the CLI and the build: where packages come from ({@link Source}), resolving a
 * request against fresh signed indexes, and fetching the exact set of a lock file without any index download.
 *
 * <p>Stateless and thread-safe.
 */
public final class DebianPackages {
    private DebianPackages() {
    }

    /**
     * Where packages come from.
     *
     * @param release      Debian release codename, e.g. {@code bookworm}
     * @param components   components, e.g. {@code [main]}
     * @param mirror       mirror base URL (flag or profile), or null for {@code $COSBUILD_DEBIAN_MIRROR} / the host's
     *                     apt sources
     * @param keyring      keyring override, or null for the sources' {@code Signed-By} (default Debian's keyring)
     * @param cacheDir     cache directory, or null for {@code $COSBUILD_CACHE} / {@code ~/.cache/cosbuild}
     * @param allowExpired accept an expired {@code Valid-Until}, loudly
     * @param parallelism  concurrent downloads
     */
    public record Source(String release, List<String> components, String mirror, Path keyring, Path cacheDir,
                         boolean allowExpired, int parallelism) {
        public Source {
            Objects.requireNonNull(release, "release");
            components = List.copyOf(components);
            if (cacheDir == null) {
                cacheDir = ContentStore.defaultDirectory();
            }
            if (parallelism < 1) {
                throw new IllegalArgumentException("parallelism must be at least 1");
            }
        }

        /** bookworm main from the host's sources, default keyring and cache. */
        public static Source bookworm() {
            return new Source("bookworm", List.of("main"), null, null, null, false, 4);
        }
    }

    /** The repositories of a source. */
    public static List<Repository> repositories(Source source) throws RepositoryException, InputException {
        return AptSources.forRelease(source.release(), source.components(), source.mirror(), source.keyring());
    }

    /** Fetches and verifies the merged index of {@code arch} (Debian name). */
    public static PackageIndex index(Source source, String arch) throws RepositoryException, InputException {
        return index(source, arch, Transport.Progress.NONE);
    }

    /** {@link #index(Source, String)}, telling {@code progress} how much of the indexes is fetched and read. */
    public static PackageIndex index(Source source, String arch, Transport.Progress progress)
            throws RepositoryException, InputException {
        return new RepositoryClient(new Transport(), source.cacheDir(), Clock.systemUTC(), source.allowExpired())
                .fetchIndex(repositories(source), arch, progress);
    }

    /**
     * Resolves a request against freshly verified indexes.
     *
     * @throws InputException when the keyring, mirror or apt sources are missing or invalid
     */
    public static Resolution resolve(Source source, ResolveRequest request) throws PackagesException {
        return new Resolver(index(source, request.arch())).resolve(request);
    }

    /**
     * Resolves several requests of one architecture against one fetch of the indexes: faster than one fetch each
     * (verifying InRelease, decompressing and parsing Packages), and every resolution comes from the same snapshot
     * of the mirror, even when it changes meanwhile.
     *
     * @throws IllegalArgumentException when the requests are for different architectures
     */
    public static List<Resolution> resolve(Source source, List<ResolveRequest> requests) throws PackagesException {
        return resolve(source, requests, Transport.Progress.NONE);
    }

    /** {@link #resolve(Source, List)}, telling {@code progress} how much of the indexes is fetched and read. */
    public static List<Resolution> resolve(Source source, List<ResolveRequest> requests, Transport.Progress progress)
            throws PackagesException {
        if (requests.isEmpty()) {
            return List.of();
        }
        String arch = requests.get(0).arch();
        for (ResolveRequest r : requests) {
            if (!r.arch().equals(arch)) {
                throw new IllegalArgumentException("requests for " + arch + " and " + r.arch() + " need two indexes");
            }
        }
        Resolver resolver = new Resolver(index(source, arch, progress));
        List<Resolution> out = new ArrayList<>();
        for (ResolveRequest r : requests) {
            out.add(resolver.resolve(r));
        }
        return List.copyOf(out);
    }

    /**
     * Fetches exactly the packages of a lock into the cache, verified against the lock's SHA-256s, without
     * downloading any index.
     */
    public static Map<LockedPackage, Path> fetch(Source source, LockFile lock, DownloadCache.Listener listener)
            throws RepositoryException, InputException {
        return new DownloadCache(source.cacheDir(), new Transport(), source.parallelism())
                .fetch(lock.packages(), repositories(source), listener);
    }
}

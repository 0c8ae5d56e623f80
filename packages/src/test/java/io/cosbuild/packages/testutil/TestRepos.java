package io.cosbuild.packages.testutil;

import io.cosbuild.packages.InputException;
import io.cosbuild.packages.RepositoryException;
import io.cosbuild.packages.cache.ContentStore;
import io.cosbuild.packages.repo.AptSources;
import io.cosbuild.packages.repo.PackageIndex;
import io.cosbuild.packages.repo.Repository;
import io.cosbuild.packages.repo.RepositoryClient;
import io.cosbuild.packages.repo.Transport;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Network test support: the bookworm repositories of this machine's apt sources (or {@code COSBUILD_DEBIAN_MIRROR}),
 * with indexes cached in the shared cosbuild cache so repeated test runs download nothing.
 */
public final class TestRepos {
    private static final Map<String, PackageIndex> INDEXES = new ConcurrentHashMap<>();

    private TestRepos() {
    }

    /** The cache directory tests share ({@code $COSBUILD_CACHE} or {@code ~/.cache/cosbuild}). */
    public static Path cacheDir() {
        return ContentStore.defaultDirectory();
    }

    /** bookworm main (+ updates, + security when the host lists it). */
    public static List<Repository> bookworm() throws RepositoryException, InputException {
        return AptSources.forRelease("bookworm", List.of("main"), null, null);
    }

    /** A client on the shared cache. */
    public static RepositoryClient client() {
        return new RepositoryClient(new Transport(), cacheDir(), Clock.systemUTC(), false);
    }

    /** The merged bookworm index for {@code arch}, fetched once per JVM. */
    public static synchronized PackageIndex index(String arch) throws RepositoryException, InputException {
        PackageIndex i = INDEXES.get(arch);
        if (i == null) {
            i = client().fetchIndex(bookworm(), arch);
            INDEXES.put(arch, i);
        }
        return i;
    }
}

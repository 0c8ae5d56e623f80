package io.cosbuild.packages.cache;

import io.cosbuild.packages.RepositoryException;
import io.cosbuild.packages.lock.LockedPackage;
import io.cosbuild.packages.repo.Repository;
import io.cosbuild.packages.repo.Transport;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the {@code .deb} files of a lock into the content-addressed {@link ContentStore}: each file is checked
 * against its SHA-256 before use (cached or fresh), several are downloaded in parallel, an interrupted download is
 * resumed by the next run, and a corrupt cached file is deleted and fetched again.
 *
 * <p>Thread-safe; {@link #fetch} may be called from several threads for disjoint package sets.
 */
public final class DownloadCache {
    private static final Logger LOG = LoggerFactory.getLogger(DownloadCache.class);

    /** Told about each package as it completes. Called from worker threads. */
    public interface Listener {
        /**
         * @param pkg       the package
         * @param fromCache whether it was already in the cache (nothing downloaded)
         * @param done      packages completed so far
         * @param total     packages in this fetch
         */
        void completed(LockedPackage pkg, boolean fromCache, int done, int total);

        Listener NONE = (p, c, d, t) -> {
        };
    }

    /** Counters of one cache's activity. */
    public record Stats(int downloaded, int cached, long bytesTransferred) {
    }

    private final ContentStore store;
    private final Transport transport;
    private final int parallelism;
    private final AtomicInteger downloaded = new AtomicInteger();
    private final AtomicInteger cached = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();

    /**
     * @param cacheDir    the cache directory
     * @param transport   fetches URIs
     * @param parallelism concurrent downloads (at least 1)
     */
    public DownloadCache(Path cacheDir, Transport transport, int parallelism) {
        this.store = new ContentStore(cacheDir);
        this.transport = Objects.requireNonNull(transport, "transport");
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1");
        }
        this.parallelism = parallelism;
    }

    /** Counters since this cache was created. */
    public Stats stats() {
        return new Stats(downloaded.get(), cached.get(), bytes.get());
    }

    /**
     * Returns the verified local file of every package, downloading what the cache lacks.
     *
     * @param repositories where to download from: a package comes from the first repository serving its suite
     * @throws RepositoryException when a package cannot be fetched; a {@code SignatureException} naming the file
     *                             when its bytes do not match the lock's SHA-256
     */
    public Map<LockedPackage, Path> fetch(List<LockedPackage> packages, List<Repository> repositories,
                                          Listener listener) throws RepositoryException {
        Map<LockedPackage, URI> uris = new LinkedHashMap<>();
        for (LockedPackage p : packages) {
            Repository repo = repositories.stream().filter(r -> r.suites().contains(p.suite())).findFirst()
                    .orElseThrow(() -> new RepositoryException(p.name() + " " + p.version() + " comes from suite '"
                            + p.suite() + "', which no configured repository serves; add it to the apt sources or "
                            + "pass --mirror"));
            uris.put(p, repo.uri().resolve(p.filename()));
        }
        Map<String, LockedPackage> byHash = new LinkedHashMap<>();
        packages.forEach(p -> byHash.putIfAbsent(p.sha256(), p));
        int total = byHash.size();
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, Math.max(1, total)), r -> {
            Thread t = new Thread(r, "cosbuild-download");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Path>> futures = new ArrayList<>();
            for (LockedPackage p : byHash.values()) {
                futures.add(pool.submit(() -> {
                    boolean hit = store.hasVerified(p.sha256());
                    Path path;
                    if (hit) {
                        cached.incrementAndGet();
                        path = store.path(p.sha256());
                    } else {
                        ContentStore.Fetched f = store.fetch(uris.get(p), p.debName() + " (" + uris.get(p) + ")",
                                p.sha256(), p.size(), transport, Transport.Progress.NONE);
                        path = f.path();
                        downloaded.incrementAndGet();
                        bytes.addAndGet(f.transferred());
                        LOG.debug("downloaded {}", p.debName());
                    }
                    listener.completed(p, hit, done.incrementAndGet(), total);
                    return path;
                }));
            }
            Map<String, Path> paths = new LinkedHashMap<>();
            RepositoryException first = null;
            int i = 0;
            for (LockedPackage p : byHash.values()) {
                try {
                    paths.put(p.sha256(), futures.get(i++).get());
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    RepositoryException re = c instanceof RepositoryException r ? r
                            : new RepositoryException(p.debName() + ": " + c, c);
                    if (first == null || (re instanceof io.cosbuild.packages.SignatureException
                            && !(first instanceof io.cosbuild.packages.SignatureException))) {
                        first = re;
                    }
                }
            }
            if (first != null) {
                throw first;
            }
            Map<LockedPackage, Path> out = new LinkedHashMap<>();
            for (LockedPackage p : packages) {
                out.put(p, paths.get(p.sha256()));
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RepositoryException("download interrupted; run again to resume", e);
        } finally {
            pool.shutdownNow();
        }
    }
}

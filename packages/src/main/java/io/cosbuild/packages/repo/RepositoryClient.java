package io.cosbuild.packages.repo;

import io.cosbuild.packages.InputException;
import io.cosbuild.packages.RepositoryException;
import io.cosbuild.packages.SignatureException;
import io.cosbuild.packages.cache.ContentStore;
import io.cosbuild.packages.deb822.Deb822Exception;
import io.cosbuild.packages.deb822.Deb822Parser;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

/**
 * Reads apt repositories: fetches {@code dists/SUITE/InRelease}, checks its OpenPGP signature against the
 * repository's keyring and its {@code Valid-Until}, then fetches each {@code Packages} index (preferring
 * {@code .xz}, then {@code .gz}, under {@code by-hash/} when the Release says so), checks its SHA-256 against the
 * signed Release and parses it. Nothing unsigned is ever parsed.
 *
 * <p>Caching: indexes are kept content-addressed in the {@link ContentStore}, so an unchanged index is never
 * downloaded twice; {@code InRelease} is kept per repository and suite and re-fetched with
 * {@code If-Modified-Since}, so an unchanged repository costs one small request per suite and no body.
 *
 * <p>Thread-safe if the {@link Transport} is (it is).
 */
public final class RepositoryClient {
    private static final Logger LOG = LoggerFactory.getLogger(RepositoryClient.class);

    /**
     * The Packages files tried, in order. gzip first, unlike apt: zlib inflates bookworm main's 50 MB index in 0.14 s,
     * the pure-Java xz decoder takes 1 to 1.3 s on every build, while .gz costs 3 MB more only when the index changes
     * (it is cached).
     */
    private static final List<String> INDEX_EXTENSIONS = List.of(".gz", ".xz", "");

    private final Transport transport;
    private final ContentStore store;
    private final Clock clock;
    private final boolean allowExpired;

    /**
     * @param transport    fetches URIs
     * @param cacheDir     cache directory (see {@link ContentStore})
     * @param clock        the time against which {@code Valid-Until} is checked
     * @param allowExpired accept an expired {@code Valid-Until} with a loud warning instead of failing
     */
    public RepositoryClient(Transport transport, Path cacheDir, Clock clock, boolean allowExpired) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.store = new ContentStore(cacheDir);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.allowExpired = allowExpired;
    }

    /** The transport (for byte counters). */
    public Transport transport() {
        return transport;
    }

    /**
     * Where the last verified {@code InRelease} of a suite is kept in the cache (it may not exist yet). Only a
     * file that passed verification is ever stored there.
     */
    public Path cachedInRelease(Repository repo, String suite) {
        return store.root().resolve("inrelease").resolve(key(repo.uri() + " " + suite)).resolve("InRelease");
    }

    /** The content store holding index files and packages. */
    public ContentStore store() {
        return store;
    }

    /** A verified Release of one suite, with the digest of the InRelease it came from. */
    public record VerifiedRelease(Repository repository, String suite, ReleaseFile release, List<String> signers,
                                  String inReleaseSha256, String keyringSha256) {
    }

    /** Fetches the indexes of all repositories for {@code arch} and merges them, earlier sources winning ties. */
    public PackageIndex fetchIndex(List<Repository> repositories, String arch) throws RepositoryException, InputException {
        return fetchIndex(repositories, arch, Transport.Progress.NONE);
    }

    /**
     * {@link #fetchIndex(List, String)}, telling {@code progress} how far it is, in bytes of the Packages files as
     * the signed Releases list them, each counted twice: as it is downloaded (or found in the cache) and as it is read.
     */
    public PackageIndex fetchIndex(List<Repository> repositories, String arch, Transport.Progress progress)
            throws RepositoryException, InputException {
        List<PackageRecord> all = new ArrayList<>();
        List<IndexDigest> digests = new ArrayList<>();
        List<String> signers = new ArrayList<>();
        List<String> keyrings = new ArrayList<>();
        List<VerifiedRelease> releases = new ArrayList<>();
        long total = 0;
        for (Repository repo : repositories) {
            for (String suite : repo.suites()) {
                VerifiedRelease vr = fetchRelease(repo, suite);
                releases.add(vr);
                for (String component : repo.components()) {
                    total += 2 * expectedSize(vr, component, arch);
                }
            }
        }
        IndexProgress counted = new IndexProgress(progress, total);
        for (VerifiedRelease vr : releases) {
            digests.add(new IndexDigest(vr.suite(), "InRelease", vr.inReleaseSha256()));
            signers.addAll(vr.signers());
            if (!keyrings.contains(vr.keyringSha256())) {
                keyrings.add(vr.keyringSha256());
            }
            for (String component : vr.repository().components()) {
                digests.add(readPackages(vr, component, arch, all, counted));
            }
        }
        return new PackageIndex(arch, all, digests, signers, String.join(",", keyrings));
    }

    /** The size of the Packages file {@link #readPackages} will try first, or 0 when the Release lists none. */
    private static long expectedSize(VerifiedRelease vr, String component, String arch) {
        for (String ext : INDEX_EXTENSIONS) {
            ReleaseFile.FileHash fh = vr.release().sha256().get(component + "/binary-" + arch + "/Packages" + ext);
            if (fh != null) {
                return fh.size();
            }
        }
        return 0;
    }

    /** Bytes of index files fetched and read so far, out of a total fixed up front; single-threaded. */
    private static final class IndexProgress {
        private final Transport.Progress progress;
        private final long total;
        private long done;

        IndexProgress(Transport.Progress progress, long total) {
            this.progress = progress;
            this.total = total;
        }

        /** Reports {@code base + more} bytes, without moving the base. */
        void at(long more) {
            if (total > 0) {
                progress.update(Math.min(total, done + more), total);
            }
        }

        /** Moves the base by {@code bytes} and reports it. */
        void add(long bytes) {
            done += bytes;
            at(0);
        }
    }

    /** Fetches the indexes of one repository. */
    public PackageIndex fetchIndex(Repository repository, String arch) throws RepositoryException, InputException {
        return fetchIndex(List.of(repository), arch);
    }

    /**
     * Fetches and verifies {@code dists/SUITE/InRelease}.
     *
     * @throws SignatureException naming the file when the signature, suite name or validity is wrong
     * @throws InputException naming the repository's keyring when it is missing or unreadable
     */
    public VerifiedRelease fetchRelease(Repository repo, String suite) throws RepositoryException, InputException {
        Keyring keyring = Keyring.load(repo.keyring());
        URI uri = repo.dists(suite, "InRelease");
        Path cached = cachedInRelease(repo, suite);
        Path dir = cached.getParent();
        Path meta = dir.resolve("InRelease.meta");
        String lastModified = null;
        String etag = null;
        try {
            if (Files.isRegularFile(cached) && Files.isRegularFile(meta)) {
                List<String> m = Files.readAllLines(meta, StandardCharsets.UTF_8);
                lastModified = m.size() > 0 && !m.get(0).isEmpty() ? m.get(0) : null;
                etag = m.size() > 1 && !m.get(1).isEmpty() ? m.get(1) : null;
            }
            Optional<Transport.Small> got = transport.getSmall(uri, lastModified, etag);
            byte[] bytes;
            if (got.isPresent()) {
                bytes = got.get().body();
            } else {
                LOG.debug("{} not modified", uri);
                bytes = Files.readAllBytes(cached);
            }
            String file = uri.toString();
            ClearSigned signed = ClearSigned.verify(file, bytes, keyring, clock.instant());
            ReleaseFile release = ReleaseFile.parse(file, signed.text());
            if (!suite.equals(release.codename()) && !suite.equals(release.suite())) {
                throw new SignatureException(file, "is signed for suite '" + release.suite() + "' / codename '"
                        + release.codename() + "', not '" + suite + "'; refusing a Release of another suite");
            }
            checkValidUntil(file, release);
            if (got.isPresent()) {
                checkNotOlder(file, release, cached, keyring);
            }
            if (got.isPresent()) {
                // Only a verified file is kept, so a tampered one never poisons the cache.
                Files.createDirectories(dir);
                writeAtomically(cached, bytes);
                writeAtomically(meta, ((got.get().lastModified() == null ? "" : got.get().lastModified()) + "\n"
                        + (got.get().etag() == null ? "" : got.get().etag()) + "\n").getBytes(StandardCharsets.UTF_8));
            }
            String sha = HexFormat.of().formatHex(ContentStore.sha256().digest(bytes));
            return new VerifiedRelease(repo, suite, release, signed.signers(), sha, keyring.sha256());
        } catch (IOException e) {
            throw new RepositoryException(cached + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses a Release older than the one verified before from the same repository and suite, as apt does: a
     * mirror must not be able to roll a client back to old metadata (with old vulnerable packages).
     */
    private void checkNotOlder(String file, ReleaseFile release, Path cached, Keyring keyring) throws IOException,
            SignatureException {
        if (!Files.isRegularFile(cached) || release.date() == null) {
            return;
        }
        ReleaseFile previous;
        try {
            previous = ReleaseFile.parse(cached.toString(),
                    ClearSigned.verify(cached.toString(), Files.readAllBytes(cached), keyring, clock.instant()).text());
        } catch (RepositoryException e) {
            return; // signed with another keyring or unreadable: nothing trustworthy to compare with
        }
        if (previous.date() != null && release.date().isBefore(previous.date())) {
            throw new SignatureException(file, "is older (Date " + release.date() + ") than the one verified before ("
                    + previous.date() + "); the mirror is stale or replaying old metadata. Use a current mirror, or "
                    + "delete " + cached + " if you really mean to go back");
        }
    }

    private void checkValidUntil(String file, ReleaseFile release) throws SignatureException {
        Instant now = clock.instant();
        if (release.validUntil() != null && now.isAfter(release.validUntil())) {
            String msg = "expired: Valid-Until " + release.validUntil() + " is before now (" + now + ")";
            if (!allowExpired) {
                throw new SignatureException(file, msg + "; the mirror may be stale or replaying old metadata. "
                        + "Use a current mirror, or --allow-expired to accept it anyway (not recommended)");
            }
            LOG.warn("!!! {}: {} -- accepted only because --allow-expired was given; the package set may be "
                    + "missing security updates !!!", file, msg);
        }
    }

    private IndexDigest readPackages(VerifiedRelease vr, String component, String arch, List<PackageRecord> out,
            IndexProgress progress) throws RepositoryException {
        String base = component + "/binary-" + arch + "/Packages";
        RepositoryException lastFailure = null;
        for (String ext : INDEX_EXTENSIONS) {
            ReleaseFile.FileHash fh = vr.release().sha256().get(base + ext);
            if (fh == null) {
                continue;
            }
            String path = base + ext;
            Repository repo = vr.repository();
            URI byHash = repo.dists(vr.suite(), component + "/binary-" + arch + "/by-hash/SHA256/" + fh.sha256());
            URI plain = repo.dists(vr.suite(), path);
            Path file;
            try {
                file = fetchVerified(vr.release().acquireByHash() ? List.of(byHash, plain) : List.of(plain),
                        plain.toString(), fh, (done, size) -> progress.at(done));
            } catch (SignatureException e) {
                throw e; // never fall back from content that failed its check
            } catch (RepositoryException e) {
                LOG.debug("cannot fetch {}: {}", plain, e.getMessage());
                lastFailure = e;
                continue; // try the next compression the Release lists
            }
            progress.add(fh.size());
            parse(file, ext, repo.uri(), vr.suite(), plain.toString(), out, progress);
            progress.add(fh.size());
            return new IndexDigest(vr.suite(), path, fh.sha256());
        }
        if (lastFailure != null) {
            throw lastFailure;
        }
        throw new RepositoryException(vr.repository().dists(vr.suite(), "InRelease") + ": lists no "
                + base + "{.xz,.gz,}; does the suite have component '" + component + "' and architecture '" + arch + "'?");
    }

    /** Fetches the first URI that works into the store, verified against {@code fh}. */
    private Path fetchVerified(List<URI> uris, String what, ReleaseFile.FileHash fh, Transport.Progress progress)
            throws RepositoryException {
        RepositoryException last = null;
        for (URI u : uris) {
            try {
                return store.fetch(u, what, fh.sha256(), fh.size(), transport, progress).path();
            } catch (SignatureException e) {
                throw e;
            } catch (RepositoryException e) {
                LOG.debug("{} failed ({}), trying the next location", u, e.getMessage());
                last = e;
            }
        }
        throw last;
    }

    private static void parse(Path file, String ext, URI repo, String suite, String name, List<PackageRecord> out,
            IndexProgress progress) throws RepositoryException {
        try (InputStream raw = new BufferedInputStream(new CountingInputStream(Files.newInputStream(file), progress),
                1 << 16);
             InputStream in = switch (ext) {
                 case ".xz" -> new XZInputStream(raw);
                 case ".gz" -> new GZIPInputStream(raw, 1 << 16);
                 default -> raw;
             }) {
            Map<String, String> intern = new HashMap<>();
            List<RuntimeException> bad = new ArrayList<>();
            // Only the fields a record keeps are built: the parser skips the rest (most of the index's text).
            Deb822Parser.parse(in, name, p -> {
                try {
                    out.add(PackageRecord.of(p, repo, intern.computeIfAbsent(suite, s -> s), false));
                } catch (RuntimeException e) {
                    bad.add(e);
                }
            }, PackageRecord.KEPT_FIELDS::contains);
            if (!bad.isEmpty()) {
                throw new RepositoryException(name + ": " + bad.size() + " malformed stanza(s), first: "
                        + bad.get(0).getMessage());
            }
        } catch (IOException e) {
            throw new RepositoryException(name + ": cannot decompress or read: " + e.getMessage(), e);
        } catch (Deb822Exception e) {
            throw new RepositoryException(e.getMessage(), e);
        }
    }

    private static String key(String s) {
        return HexFormat.of().formatHex(ContentStore.sha256().digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        // A name of its own per process and thread: several cosbuild processes may share the cache.
        Path tmp = target.resolveSibling(target.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Thread.currentThread().getId() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reports the bytes read from a file to an {@link IndexProgress}, every 1 MiB. */
    private static final class CountingInputStream extends java.io.FilterInputStream {
        private final IndexProgress progress;
        private long count;
        private long reported;

        CountingInputStream(InputStream in, IndexProgress progress) {
            super(in);
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        private void counted(long n) {
            count += n;
            if (count - reported >= 1 << 20) {
                reported = count;
                progress.at(count);
            }
        }
    }
}

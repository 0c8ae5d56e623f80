package io.cosbuild.packages.cache;

import io.cosbuild.packages.RepositoryException;
import io.cosbuild.packages.SignatureException;
import io.cosbuild.packages.repo.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Content-addressed files under a cache directory:
 * <pre>
 * CACHE/blobs/sha256/ab/abcdef...   complete files, named by their SHA-256
 * CACHE/partial/abcdef....part      interrupted downloads, resumed by the next fetch
 * </pre>
 * A resumed download that fails its check is fetched again from the start, once, in the same call: the bytes
 * kept from the earlier run may be what is wrong. A fresh download that fails its check is refused.
 * A file is only ever moved into {@code blobs/} after its SHA-256 and size were checked; a file found there is
 * checked again before use, and a corrupt one is deleted and fetched again.
 *
 * <p>Thread-safe, and safe for several processes sharing one cache: a download holds a lock on
 * {@code partial/HASH.lock}, so a file is downloaded once and never written by two processes at a time.
 */
public final class ContentStore {
    private static final Logger LOG = LoggerFactory.getLogger(ContentStore.class);
    /** File locks are per process; threads of one process also take this monitor per file. */
    private static final java.util.concurrent.ConcurrentHashMap<String, Object> IN_PROCESS =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final Path root;

    public ContentStore(Path root) {
        this.root = Objects.requireNonNull(root, "root");
    }

    /** The default cache directory: {@code $COSBUILD_CACHE}, else {@code ~/.cache/cosbuild}. */
    public static Path defaultDirectory() {
        String env = System.getenv("COSBUILD_CACHE");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "cosbuild");
    }

    /** The cache directory. */
    public Path root() {
        return root;
    }

    /** Where the file with this SHA-256 lives (whether or not it exists). */
    public Path path(String sha256) {
        String h = checkHash(sha256);
        return root.resolve("blobs").resolve("sha256").resolve(h.substring(0, 2)).resolve(h);
    }

    /** Whether a cached file with this hash exists and still hashes to it; deletes it when corrupt. */
    public boolean hasVerified(String sha256) {
        String h = checkHash(sha256);
        Path p = path(h);
        if (!Files.isRegularFile(p)) {
            return false;
        }
        try {
            if (sha256(p).equals(h)) {
                return true;
            }
            LOG.warn("cached file {} is corrupt (SHA-256 differs); deleting it and fetching again", p);
            Files.delete(p);
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Returns the verified cached file, downloading it from {@code uri} first when absent or corrupt.
     *
     * @param what  names the file in messages (e.g. the URI or {@code foo_1.0_amd64.deb})
     * @throws SignatureException  when the downloaded bytes do not match {@code sha256} / {@code size} (a resumed
     *                             download that does not is first fetched again from the start)
     * @throws RepositoryException when the download fails (a later call resumes it)
     */
    public Fetched fetch(URI uri, String what, String sha256, long size, Transport transport,
                         Transport.Progress progress) throws RepositoryException {
        String h = checkHash(sha256);
        if (hasVerified(h)) {
            return new Fetched(path(h), 0);
        }
        try {
            Path partial = root.resolve("partial");
            Files.createDirectories(partial);
            // Several cosbuild processes may share a cache: one downloads a given file at a time.
            // The lock file stays: deleting it would let a waiting process lock a different inode.
            try (FileChannel lockFile = FileChannel.open(partial.resolve(h + ".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE)) {
                synchronized (IN_PROCESS.computeIfAbsent(partial.resolve(h).toAbsolutePath().toString(), k -> new Object())) {
                    FileLock lock = lockFile.lock();
                    try {
                        return download(uri, what, h, size, transport, progress, partial);
                    } finally {
                        lock.release();
                    }
                }
            }
        } catch (IOException e) {
            throw new RepositoryException("cache " + root + ": " + e.getMessage()
                    + "; check permissions or pass --cache-dir", e);
        }
    }

    private Fetched download(URI uri, String what, String h, long size, Transport transport,
                     Transport.Progress progress, Path partial) throws IOException, RepositoryException {
        if (hasVerified(h)) {
            return new Fetched(path(h), 0); // another process completed it meanwhile
        }
        Path part = partial.resolve(h + ".part");
        if (size >= 0 && Files.exists(part) && Files.size(part) > size) {
            Files.delete(part);
        }
        long transferred = transport.download(uri, part, progress, size);
        String mismatch = mismatch(part, h, size);
        if (mismatch != null && Files.size(part) > transferred) {
            // Bytes kept from an earlier run were part of it: they may be what is wrong (the start of another
            // file, a mirror that changed it since). Fetching the whole file once more settles it.
            LOG.warn("{}: the resumed download {} does not match the signed index; downloading it again from the "
                    + "start", what, mismatch);
            Files.delete(part);
            transferred += transport.download(uri, part, progress, size);
            mismatch = mismatch(part, h, size);
        }
        if (mismatch != null) {
            Files.deleteIfExists(part);
            throw new SignatureException(what, mismatch + " does not match the signed index (" + h + ", " + size
                    + " bytes); the download was corrupted or tampered with and has been discarded");
        }
        Path target = path(h);
        Files.createDirectories(target.getParent());
        try {
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return new Fetched(target, transferred);
    }

    /** What is wrong with {@code part} ("SHA-256 ... (N bytes)"), or null when it has the hash and size given. */
    private static String mismatch(Path part, String h, long size) throws IOException {
        long got = Files.size(part);
        String actual = sha256(part);
        return (size >= 0 && got != size) || !actual.equals(h) ? "SHA-256 " + actual + " (" + got + " bytes)" : null;
    }

    /**
     * A verified file in the store.
     *
     * @param path        where it is
     * @param transferred bytes downloaded to get it (0 for a cache hit)
     */
    public record Fetched(Path path, long transferred) {
    }

    /** SHA-256 of a file, lower-case hex. */
    public static String sha256(Path p) throws IOException {
        MessageDigest md = sha256();
        try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 16];
            int r;
            while ((r = in.read(buf)) > 0) {
                md.update(buf, 0, r);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** A fresh SHA-256 digest. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String checkHash(String sha256) {
        Objects.requireNonNull(sha256, "sha256");
        String h = sha256.toLowerCase(Locale.ROOT);
        if (!h.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a SHA-256 hex digest: " + sha256);
        }
        return h;
    }
}

package io.cosbuild.packages.repo;

import io.cosbuild.packages.RepositoryException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fetches {@code http(s)://} and {@code file://} URIs. Counts the body bytes it transfers so callers and tests
 * can tell whether a run touched the network.
 *
 * <p>Thread-safe. Streams it returns are owned by the caller.
 */
public final class Transport {
    private final HttpClient http;
    private final Duration timeout;
    private final AtomicLong bytesTransferred = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();

    public Transport() {
        this(Duration.ofSeconds(60));
    }

    public Transport(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(timeout)
                .build();
    }

    /** Body bytes transferred so far (not counting 304 answers and cache hits). */
    public long bytesTransferred() {
        return bytesTransferred.get();
    }

    /** Requests made so far. */
    public long requests() {
        return requests.get();
    }

    /** A small whole-body answer of a conditional GET. */
    public record Small(byte[] body, String lastModified, String etag) {
    }

    /** The most a small file (InRelease) may be: Debian's is about 150 KB; a body without end must not fill the heap. */
    static final int MAX_SMALL = 16 << 20;

    /**
     * GETs a small file (InRelease), of at most {@link #MAX_SMALL} bytes.
     * When {@code lastModified} or {@code etag} is given and the server answers
     * 304, returns empty.
     *
     * @throws RepositoryException naming the URI when it cannot be fetched (404 included)
     */
    public Optional<Small> getSmall(URI uri, String lastModified, String etag) throws RepositoryException {
        requests.incrementAndGet();
        if ("file".equals(uri.getScheme())) {
            try {
                if (Files.size(Path.of(uri)) > MAX_SMALL) {
                    throw new RepositoryException(uri + ": larger than " + MAX_SMALL + " bytes, which no release file is");
                }
                byte[] body = Files.readAllBytes(Path.of(uri));
                bytesTransferred.addAndGet(body.length);
                return Optional.of(new Small(body, null, null));
            } catch (NoSuchFileException e) {
                throw new RepositoryException(uri + ": not found");
            } catch (IOException e) {
                throw new RepositoryException(uri + ": " + e.getMessage(), e);
            }
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).GET();
        if (lastModified != null) {
            b.header("If-Modified-Since", lastModified);
        }
        if (etag != null) {
            b.header("If-None-Match", etag);
        }
        try {
            HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (InputStream in = r.body()) {
                if (r.statusCode() == 304) {
                    return Optional.empty();
                }
                if (r.statusCode() != 200) {
                    throw new RepositoryException(uri + ": HTTP " + r.statusCode() + "; check the mirror URL and suite name");
                }
                body = in.readNBytes(MAX_SMALL + 1);
            }
            if (body.length > MAX_SMALL) {
                throw new RepositoryException(uri + ": the server sent more than " + MAX_SMALL
                        + " bytes, which no release file is; refused (a broken or hostile mirror)");
            }
            bytesTransferred.addAndGet(body.length);
            return Optional.of(new Small(body, r.headers().firstValue("Last-Modified").orElse(null),
                    r.headers().firstValue("ETag").orElse(null)));
        } catch (IOException e) {
            throw new RepositoryException(uri + ": " + why(e) + "; check the network and the mirror URL", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RepositoryException(uri + ": interrupted", e);
        }
    }

    /**
     * What went wrong, in words: the JDK's HTTP client throws some network failures without a message
     * (a refused connection is a bare {@code ConnectException}).
     */
    static String why(IOException e) {
        if (e instanceof ConnectException) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof UnresolvedAddressException) {
                    return "the host name does not resolve";
                }
            }
            return "cannot connect (" + (e.getMessage() == null ? "refused or unreachable" : e.getMessage()) + ")";
        }
        if (e instanceof HttpTimeoutException) {
            return "timed out";
        }
        if (e instanceof UnknownHostException) {
            return "unknown host " + e.getMessage();
        }
        if (e.getMessage() == null || e.getMessage().isBlank()) {
            return e.getCause() instanceof IOException c && c != e ? why(c) : e.getClass().getSimpleName();
        }
        return e.getMessage();
    }

    /** Receives progress of one download: bytes so far and total (-1 when unknown). */
    public interface Progress {
        void update(long done, long total);

        Progress NONE = (d, t) -> {
        };
    }

    /**
     * Downloads {@code uri} into {@code part}, appending to what {@code part} already holds (resume with a
     * {@code Range} request; a server that ignores the range makes us start over).
     *
     * @return the number of bytes transferred by this call
     * @throws RepositoryException naming the URI on HTTP errors (404: "not found")
     */
    public long download(URI uri, Path part, Progress progress) throws RepositoryException {
        return download(uri, part, progress, -1);
    }

    /**
     * {@link #download(URI, Path, Progress)} of a file whose signed size is {@code limit} bytes (-1: unknown):
     * the transfer stops, and {@code part} is deleted, as soon as it would grow past that, so a server that
     * sends without end cannot fill the disk.
     */
    public long download(URI uri, Path part, Progress progress, long limit) throws RepositoryException {
        requests.incrementAndGet();
        try {
            long have = Files.exists(part) ? Files.size(part) : 0;
            if ("file".equals(uri.getScheme())) {
                try (InputStream in = Files.newInputStream(Path.of(uri));
                     OutputStream out = Files.newOutputStream(part)) {
                    return copy(in, out, 0, Files.size(Path.of(uri)), progress, limit);
                } catch (NoSuchFileException e) {
                    throw new RepositoryException(uri + ": not found");
                }
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout.multipliedBy(10)).GET();
            if (have > 0) {
                b.header("Range", "bytes=" + have + "-");
            }
            HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                int code = r.statusCode();
                boolean append;
                if (code == 206) {
                    append = true;
                } else if (code == 200) {
                    append = false;
                    have = 0;
                } else if (code == 416) {
                    return 0; // we already hold the whole file (or more): the checksum decides
                } else if (code == 404) {
                    throw new RepositoryException(uri + ": not found (HTTP 404)");
                } else {
                    throw new RepositoryException(uri + ": HTTP " + code);
                }
                long len = r.headers().firstValueAsLong("Content-Length").orElse(-1);
                long total = len < 0 ? -1 : len + have;
                try (OutputStream out = append
                        ? Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.APPEND)
                        : Files.newOutputStream(part)) {
                    return copy(in, out, have, total, progress, limit);
                }
            }
        } catch (TooLarge e) {
            try {
                Files.deleteIfExists(part);
            } catch (IOException ignored) {
                // the refusal below matters more; a later run truncates an oversized part anyway
            }
            throw new RepositoryException(uri + ": the server sent more than the " + limit
                    + " bytes the signed index gives; refused and discarded (a broken or hostile mirror)");
        } catch (IOException e) {
            throw new RepositoryException(uri + ": " + why(e) + "; run again to resume", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RepositoryException(uri + ": interrupted; run again to resume", e);
        }
    }

    /** A body longer than its signed size. */
    private static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;
    }

    private long copy(InputStream in, OutputStream out, long start, long total, Progress progress, long limit)
            throws IOException {
        byte[] buf = new byte[1 << 16];
        long n = 0;
        int r;
        while ((r = in.read(buf)) > 0) {
            if (limit >= 0 && start + n + r > limit) {
                throw new TooLarge();
            }
            out.write(buf, 0, r);
            n += r;
            bytesTransferred.addAndGet(r);
            progress.update(start + n, total);
        }
        return n;
    }
}

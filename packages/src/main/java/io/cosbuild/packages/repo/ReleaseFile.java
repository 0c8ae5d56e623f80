package io.cosbuild.packages.repo;

import io.cosbuild.packages.RepositoryException;
import io.cosbuild.packages.deb822.Deb822Exception;
import io.cosbuild.packages.deb822.Deb822Parser;
import io.cosbuild.packages.deb822.Paragraph;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The fields of a (verified) {@code Release} text that the client uses.
 *
 * <p>Immutable and thread-safe.
 *
 * @param suite         the {@code Suite} field (e.g. {@code oldstable}), may be empty
 * @param codename      the {@code Codename} field (e.g. {@code bookworm}), may be empty
 * @param date          the {@code Date}, or null
 * @param validUntil    the {@code Valid-Until}, or null when the file never expires
 * @param acquireByHash whether indexes may be fetched under {@code by-hash/SHA256/}
 * @param sha256        path (relative to {@code dists/SUITE/}) to its SHA-256 and size
 */
public record ReleaseFile(String suite, String codename, Instant date, Instant validUntil, boolean acquireByHash,
                          Map<String, FileHash> sha256) {

    /** The signed hash and size of one index file. */
    public record FileHash(String sha256, long size) {
    }

    public ReleaseFile {
        sha256 = Map.copyOf(sha256);
    }

    private static final DateTimeFormatter RFC_2822 =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss z", Locale.ENGLISH);

    /** Parses Release text; {@code file} names it in errors. */
    public static ReleaseFile parse(String file, String text) throws RepositoryException {
        List<Paragraph> ps;
        try {
            ps = Deb822Parser.parse(text);
        } catch (Deb822Exception e) {
            throw new RepositoryException(file + ": " + e.getMessage(), e);
        }
        if (ps.size() != 1) {
            throw new RepositoryException(file + ": expected one Release paragraph, found " + ps.size());
        }
        Paragraph p = ps.get(0);
        Map<String, FileHash> hashes = new LinkedHashMap<>();
        String sums = p.get("SHA256").orElseThrow(() ->
                new RepositoryException(file + ": no SHA256 field; the repository is not secure enough to use"));
        for (String line : sums.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] w = line.strip().split("\\s+");
            if (w.length != 3 || w[0].length() != 64) {
                throw new RepositoryException(file + ": malformed SHA256 line '" + line.strip() + "'");
            }
            hashes.put(w[2], new FileHash(w[0].toLowerCase(Locale.ROOT), Long.parseLong(w[1])));
        }
        return new ReleaseFile(p.get("Suite", ""), p.get("Codename", ""), date(file, p.get("Date")),
                date(file, p.get("Valid-Until")), "yes".equalsIgnoreCase(p.get("Acquire-By-Hash", "no")), hashes);
    }

    private static Instant date(String file, Optional<String> v) throws RepositoryException {
        if (v.isEmpty()) {
            return null;
        }
        String s = v.get().strip().replace(" UTC", " GMT");
        try {
            return ZonedDateTime.parse(s, RFC_2822).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return ZonedDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            } catch (DateTimeParseException e2) {
                throw new RepositoryException(file + ": unreadable date '" + v.get() + "'", e2);
            }
        }
    }
}

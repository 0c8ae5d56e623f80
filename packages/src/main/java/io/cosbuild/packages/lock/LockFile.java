package io.cosbuild.packages.lock;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cosbuild.packages.InputException;
import io.cosbuild.packages.PackagesException;
import io.cosbuild.packages.cache.ContentStore;
import io.cosbuild.packages.repo.IndexDigest;
import io.cosbuild.packages.resolve.Resolution;
import io.cosbuild.packages.resolve.ResolveRequest;
import io.cosbuild.spec.node.BindingErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code cosbuild.lock}: the exact package set of a resolution, so that a build needs no index download.
 * JSON, keys in a fixed order, lists sorted, no host names (packages name their suite, not their mirror):
 * <pre>
 * {
 *   "lockVersion": 1,
 *   "request": "sha256 of ResolveRequest.canonical()",
 *   "arch": "amd64",
 *   "keyring": { "sha256": "...", "signers": ["FINGERPRINT", ...] },
 *   "indexes": [ { "suite": "bookworm", "path": "InRelease", "sha256": "..." }, ... ],
 *   "packages": [ { "name", "version", "arch", "suite", "filename", "size", "sha256" }, ... ]
 * }
 * </pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param lockVersion format version, {@value #VERSION}
 * @param request     SHA-256 of the request's canonical text (to notice a stale lock)
 * @param arch        Debian architecture
 * @param keyring     the keyring and signing keys the indexes were verified with
 * @param indexes     digests of the index files, sorted
 * @param packages    the packages, sorted by name
 */
@JsonPropertyOrder({"lockVersion", "request", "arch", "keyring", "indexes", "packages"})
public record LockFile(int lockVersion, String request, String arch, KeyringInfo keyring, List<IndexDigest> indexes,
                       List<LockedPackage> packages) {
    /** The current format version. */
    public static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * @param sha256  SHA-256 of the keyring file(s), comma separated
     * @param signers fingerprints of the keys whose signatures verified, sorted
     */
    @JsonPropertyOrder({"sha256", "signers"})
    public record KeyringInfo(String sha256, List<String> signers) {
        public KeyringInfo {
            Objects.requireNonNull(sha256, "keyring sha256");
            signers = List.copyOf(new TreeSet<>(signers));
        }
    }

    public LockFile {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(keyring, "keyring");
        if (lockVersion != VERSION) {
            throw new IllegalArgumentException("unsupported lockVersion " + lockVersion + " (this cosbuild reads "
                    + VERSION + ")");
        }
        indexes = List.copyOf(new TreeSet<>(indexes));
        TreeSet<LockedPackage> sorted = new TreeSet<>(packages);
        if (sorted.size() != packages.size()) {
            throw new IllegalArgumentException("duplicate package in lock file");
        }
        packages = List.copyOf(sorted);
    }

    /** The lock of a resolution. */
    public static LockFile of(Resolution r) {
        List<LockedPackage> pkgs = r.packages().stream().map(p -> new LockedPackage(p.pkg().name(),
                p.pkg().versionString(), p.pkg().architecture(), p.pkg().suite(), p.pkg().filename(), p.pkg().size(),
                p.pkg().sha256())).toList();
        return new LockFile(VERSION, requestDigest(r.request()), r.index().arch(),
                new KeyringInfo(r.index().keyringSha256(), r.index().signers()), r.index().digests(), pkgs);
    }

    /** SHA-256 of {@link ResolveRequest#canonical()}. */
    public static String requestDigest(ResolveRequest req) {
        return HexFormat.of().formatHex(ContentStore.sha256().digest(req.canonical().getBytes(StandardCharsets.UTF_8)));
    }

    /** Whether this lock was written for {@code req}. */
    public boolean matches(ResolveRequest req) {
        return request.equals(requestDigest(req)) && arch.equals(req.arch());
    }

    /**
     * Fails when this lock was written for another request.
     *
     * @param file names the lock in the message
     */
    public void requireMatches(ResolveRequest req, Path file) throws PackagesException {
        requireMatches(req, file, "cosbuild packages resolve --write-lock " + file);
    }

    /**
     * Fails when this lock was written for another request.
     *
     * @param file    names the lock in the message
     * @param rewrite the command that writes a current lock of the same kind (an image lock needs
     *                {@code --profile}), given as advice
     */
    public void requireMatches(ResolveRequest req, Path file, String rewrite) throws PackagesException {
        if (!matches(req)) {
            throw new PackagesException(file + " is stale: it was written for a different package request or "
                    + "architecture; run '" + rewrite + "' again");
        }
    }

    /** The JSON text, ending in a newline. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses JSON text; {@code source} names it in errors. */
    public static LockFile parse(String json, String source) throws InputException {
        try {
            return JSON.readValue(json, LockFile.class);
        } catch (JsonProcessingException e) {
            throw new InputException(source + ": not a valid cosbuild lock file: " + BindingErrors.describe(e), e);
        } catch (IllegalArgumentException e) {
            throw new InputException(source + ": " + e.getMessage(), e);
        }
    }

    /** Reads a lock file. */
    public static LockFile read(Path file) throws InputException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new InputException(file + ": cannot read lock file: no such file", e);
        } catch (AccessDeniedException e) {
            throw new InputException(file + ": cannot read lock file: permission denied", e);
        } catch (IOException e) {
            throw new InputException(file + ": cannot read lock file: " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** Writes the lock to {@code file} through a temporary file in the same directory. */
    public void write(Path file) throws IOException {
        replace(file, toJson());
    }

    /**
     * Replaces {@code file} with {@code text} (UTF-8) in one rename: readers see the old or the new file,
     * never a part. The temporary file beside it has a name of its own, so two runs writing the same lock
     * (or a user's {@code x.lock.tmp}) do not write into each other's; it is removed if anything fails.
     * Created as an ordinary file is (0666 less the umask), as a lock file is one to commit.
     */
    public static void replace(Path file, String text) throws IOException {
        Path abs = file.toAbsolutePath();
        Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName() + ".", ".tmp", ORDINARY_FILE);
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static final FileAttribute<Set<PosixFilePermission>> ORDINARY_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-rw-rw-"));
}

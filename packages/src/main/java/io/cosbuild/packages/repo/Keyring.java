package io.cosbuild.packages.repo;

import io.cosbuild.packages.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;

/**
 * An OpenPGP public keyring (binary {@code .gpg} as Debian ships in {@code /usr/share/keyrings}, or ASCII armored).
 *
 * <p>Immutable and thread-safe once loaded.
 */
public final class Keyring {
    /**
     * Where a keyring is named: {@code --keyring} works only without a profile ({@code cosbuild image} and
     * {@code packages resolve --profile} take the profile's), so advice names both.
     */
    public static final String HOW_TO_NAME = "'keyring' of the profile's repository (cosbuild image, packages resolve --profile),"
            + " else --keyring FILE (packages resolve/fetch without --profile)";

    /** The keyring Debian hosts install with the debian-archive-keyring package. */
    public static final Path DEBIAN_ARCHIVE_KEYRING = Path.of("/usr/share/keyrings/debian-archive-keyring.gpg");

    private final Path path;
    private final PGPPublicKeyRingCollection keys;
    private final String sha256;

    private Keyring(Path path, PGPPublicKeyRingCollection keys, String sha256) {
        this.path = path;
        this.keys = keys;
        this.sha256 = sha256;
    }

    /**
     * Loads a keyring file.
     *
     * @throws InputException naming the file when it is missing, unreadable or not a keyring
     */
    public static Keyring load(Path path) throws InputException {
        Objects.requireNonNull(path, "path");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new InputException(path + ": keyring not found; install debian-archive-keyring or name a keyring: "
                    + HOW_TO_NAME);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new InputException(path + ": cannot read the keyring: permission denied", e);
        } catch (IOException e) {
            throw new InputException(path + ": cannot read the keyring: " + e.getMessage(), e);
        }
        try (InputStream in = PGPUtil.getDecoderStream(new java.io.ByteArrayInputStream(bytes))) {
            PGPPublicKeyRingCollection keys = new PGPPublicKeyRingCollection(in, new BcKeyFingerprintCalculator());
            if (keys.size() == 0) {
                throw new InputException(path + ": keyring holds no public keys");
            }
            return new Keyring(path, keys, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        } catch (IOException | PGPException e) {
            throw new InputException(path + ": not an OpenPGP keyring: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The file it was loaded from. */
    public Path path() {
        return path;
    }

    /** SHA-256 of the keyring file, hex. */
    public String sha256() {
        return sha256;
    }

    /** The public key (primary or subkey) with this key ID, or null. */
    PGPPublicKey key(long keyId) {
        return keys.getPublicKey(keyId);
    }

    /** The fingerprint of the primary key owning {@code keyId}, hex upper case, or null. */
    String primaryFingerprint(long keyId) {
        var ring = keys.getPublicKeyRing(keyId);
        return ring == null ? null : HexFormat.of().withUpperCase().formatHex(ring.getPublicKey().getFingerprint());
    }
}

package io.cosbuild.packages.repo;

import io.cosbuild.packages.SignatureException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

/**
 * An OpenPGP cleartext-signed file (RFC 4880 section 7), the format of {@code InRelease}:
 * <pre>
 * -----BEGIN PGP SIGNED MESSAGE-----
 * Hash: SHA256            (armor headers)
 *                         (blank line)
 * text lines              (dash-escaped: "- " prefix on lines starting with '-')
 * -----BEGIN PGP SIGNATURE-----
 * armored signature packets
 * -----END PGP SIGNATURE-----
 * </pre>
 * Like apt, we refuse anything before the first line or after the signature (data there is not signed).
 * The signature covers the text with trailing spaces and tabs removed from each line, CRLF line ends and no
 * final line end.
 *
 * <p>Immutable and thread-safe.
 *
 * @param text    the signed text, dash-unescaped, lines ending in '\n'
 * @param signers fingerprints (hex, upper case) of the primary keys whose signatures verified
 */
public record ClearSigned(String text, List<String> signers) {
    private static final String BEGIN = "-----BEGIN PGP SIGNED MESSAGE-----";
    private static final String SIG_BEGIN = "-----BEGIN PGP SIGNATURE-----";
    private static final String SIG_END = "-----END PGP SIGNATURE-----";

    public ClearSigned {
        signers = List.copyOf(signers);
    }

    /**
     * Verifies {@code bytes} against {@code keyring}: at least one signature must come from a key in the keyring
     * and verify, and no signature from a keyring key may fail. Signatures by unknown keys are ignored (Debian
     * signs with several keys).
     *
     * @param file  names the file in error messages
     * @param now   the time at which the signing key must be valid (not expired or revoked at signing)
     * @throws SignatureException naming {@code file} when it is malformed or not validly signed
     */
    public static ClearSigned verify(String file, byte[] bytes, Keyring keyring, Instant now) throws SignatureException {
        // Latin-1 maps bytes to chars one to one, so the signed bytes are reproduced exactly.
        String all = new String(bytes, StandardCharsets.ISO_8859_1);
        List<String> lines = splitLines(all);
        int i = 0;
        if (lines.isEmpty() || !lines.get(0).stripTrailing().equals(BEGIN)) {
            throw new SignatureException(file, "not an OpenPGP clear-signed file (first line must be " + BEGIN + ")");
        }
        i++;
        while (i < lines.size() && !lines.get(i).isBlank()) {
            if (!lines.get(i).startsWith("Hash:")) {
                throw new SignatureException(file, "unexpected armor header '" + lines.get(i) + "'");
            }
            i++;
        }
        i++; // blank line
        List<String> text = new ArrayList<>();
        while (i < lines.size() && !lines.get(i).stripTrailing().equals(SIG_BEGIN)) {
            String l = lines.get(i);
            if (l.startsWith("- ")) {
                l = l.substring(2);
            } else if (l.startsWith("-")) {
                throw new SignatureException(file, "malformed clear-signed text: line " + (i + 1) + " starts with '-'");
            }
            text.add(l);
            i++;
        }
        if (i >= lines.size()) {
            throw new SignatureException(file, "no signature block (" + SIG_BEGIN + ") found");
        }
        int sigStart = i;
        while (i < lines.size() && !lines.get(i).stripTrailing().equals(SIG_END)) {
            i++;
        }
        if (i >= lines.size()) {
            throw new SignatureException(file, "unterminated signature block");
        }
        for (int k = i + 1; k < lines.size(); k++) {
            if (!lines.get(k).isBlank()) {
                throw new SignatureException(file, "data after the signature block is not signed; refusing the file");
            }
        }
        String armored = String.join("\n", lines.subList(sigStart, i + 1)) + "\n";
        List<PGPSignature> signatures = readSignatures(file, armored);

        StringBuilder canonical = new StringBuilder();
        StringBuilder plain = new StringBuilder();
        for (int k = 0; k < text.size(); k++) {
            if (k > 0) {
                canonical.append("\r\n");
            }
            canonical.append(stripSpaceAndTab(text.get(k)));
            plain.append(text.get(k)).append('\n');
        }
        byte[] signed = canonical.toString().getBytes(StandardCharsets.ISO_8859_1);

        TreeSet<String> good = new TreeSet<>();
        List<String> unknown = new ArrayList<>();
        for (PGPSignature sig : signatures) {
            PGPPublicKey key = keyring.key(sig.getKeyID());
            String id = HexFormat.of().withUpperCase().formatHex(longBytes(sig.getKeyID()));
            if (key == null) {
                unknown.add(id);
                continue;
            }
            int hash = sig.getHashAlgorithm();
            if (hash == HashAlgorithmTags.MD5 || hash == HashAlgorithmTags.SHA1) {
                throw new SignatureException(file, "signature by key " + id + " uses a weak hash algorithm; refusing");
            }
            try {
                sig.init(new BcPGPContentVerifierBuilderProvider(), key);
                sig.update(signed);
                if (!sig.verify()) {
                    throw new SignatureException(file, "BAD signature by key " + id
                            + ": the file was modified after signing; refusing it");
                }
            } catch (PGPException e) {
                throw new SignatureException(file, "cannot check signature by key " + id + ": " + e.getMessage(), e);
            }
            Instant created = sig.getCreationTime().toInstant();
            if (key.hasRevocation()) {
                throw new SignatureException(file, "signing key " + id + " is revoked");
            }
            long valid = key.getValidSeconds();
            if (valid > 0 && key.getCreationTime().toInstant().plusSeconds(valid).isBefore(created)) {
                throw new SignatureException(file, "signing key " + id + " had expired when the file was signed");
            }
            if (created.isAfter(now.plusSeconds(86400))) {
                throw new SignatureException(file, "signature created in the future (" + created + "); check the clock");
            }
            String fpr = keyring.primaryFingerprint(sig.getKeyID());
            good.add(fpr == null ? id : fpr);
        }
        if (good.isEmpty()) {
            throw new SignatureException(file, "no valid signature from a key in " + keyring.path()
                    + (unknown.isEmpty() ? "" : " (signed by unknown key(s) " + unknown + ")")
                    + "; name the repository's key: " + Keyring.HOW_TO_NAME);
        }
        return new ClearSigned(new String(plain.toString().getBytes(StandardCharsets.ISO_8859_1),
                StandardCharsets.UTF_8), List.copyOf(good));
    }

    private static List<PGPSignature> readSignatures(String file, String armored) throws SignatureException {
        List<PGPSignature> out = new ArrayList<>();
        try (InputStream in = new ArmoredInputStream(
                new ByteArrayInputStream(armored.getBytes(StandardCharsets.ISO_8859_1)))) {
            BcPGPObjectFactory f = new BcPGPObjectFactory(in);
            Object o;
            while ((o = f.nextObject()) != null) {
                if (o instanceof PGPSignatureList list) {
                    for (PGPSignature s : list) {
                        out.add(s);
                    }
                } else {
                    throw new SignatureException(file, "unexpected OpenPGP packet " + o.getClass().getSimpleName()
                            + " in the signature block");
                }
            }
        } catch (IOException e) {
            throw new SignatureException(file, "corrupt signature block: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new SignatureException(file, "signature block holds no signature");
        }
        return out;
    }

    private static List<String> splitLines(String s) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\n') {
                int end = i > start && s.charAt(i - 1) == '\r' ? i - 1 : i;
                lines.add(s.substring(start, end));
                start = i + 1;
            }
        }
        if (start < s.length()) {
            lines.add(s.substring(start));
        }
        return lines;
    }

    private static String stripSpaceAndTab(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(0, end);
    }

    private static byte[] longBytes(long v) {
        byte[] b = new byte[8];
        for (int k = 7; k >= 0; k--) {
            b[k] = (byte) v;
            v >>>= 8;
        }
        return b;
    }
}

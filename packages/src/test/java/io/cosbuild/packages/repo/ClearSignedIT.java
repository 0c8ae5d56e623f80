package io.cosbuild.packages.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.packages.SignatureException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files clear-signed by the real {@code gpg} with throw-away keys, verified by our reader. */
class ClearSignedIT {
    @TempDir
    static Path home;
    static String fprA;
    static Path keyringA;

    static String gpg(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("gpg", "--homedir", home.toString(), "--batch", "--quiet",
                "--pinentry-mode", "loopback", "--passphrase", ""));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), cmd + ":\n" + out);
        return out;
    }

    static String fingerprint(String uid) throws Exception {
        for (String line : gpg("--with-colons", "--fingerprint", uid).split("\n")) {
            if (line.startsWith("fpr:")) {
                return line.split(":")[9];
            }
        }
        throw new AssertionError("no fingerprint for " + uid);
    }

    @BeforeAll
    static void keys() throws Exception {
        Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        gpg("--quick-gen-key", "Key A <a@example.org>", "ed25519", "sign", "never");
        gpg("--quick-gen-key", "Key B <b@example.org>", "ed25519", "sign", "never");
        fprA = fingerprint("a@example.org");
        keyringA = home.resolve("a.gpg");
        gpg("--output", keyringA.toString(), "--export", "a@example.org");
    }

    static byte[] clearsign(String text, String... extra) throws Exception {
        Path in = Files.createTempFile(home, "msg", ".txt");
        Files.writeString(in, text);
        Path out = in.resolveSibling(in.getFileName() + ".asc");
        List<String> args = new ArrayList<>(List.of(extra));
        args.addAll(List.of("--output", out.toString(), "--clearsign", in.toString()));
        gpg(args.toArray(String[]::new));
        return Files.readAllBytes(out);
    }

    static final String TEXT = "Origin: Test\n-dash line is escaped\nTrailing: spaces   \nFrom the start\nLast: line\n";

    @Test
    void verifiesGpgClearSignedText() throws Exception {
        ClearSigned cs = ClearSigned.verify("T", clearsign(TEXT, "--local-user", "a@example.org"),
                Keyring.load(keyringA), Instant.now());
        assertEquals(List.of(fprA), cs.signers());
        assertEquals(TEXT, cs.text());
    }

    @Test
    void ignoresUnknownSignersButNeedsOneKnown() throws Exception {
        byte[] both = clearsign(TEXT, "--local-user", "a@example.org", "--local-user", "b@example.org");
        assertEquals(List.of(fprA), ClearSigned.verify("T", both, Keyring.load(keyringA), Instant.now()).signers());
        byte[] onlyB = clearsign(TEXT, "--local-user", "b@example.org");
        SignatureException e = assertThrows(SignatureException.class,
                () -> ClearSigned.verify("dists/x/InRelease", onlyB, Keyring.load(keyringA), Instant.now()));
        assertTrue(e.getMessage().startsWith("dists/x/InRelease: no valid signature"), e.getMessage());
    }

    @Test
    void refusesModifiedTextAndWeakHashes() throws Exception {
        String signed = new String(clearsign(TEXT, "--local-user", "a@example.org"), StandardCharsets.UTF_8);
        byte[] changed = signed.replace("Last: line", "Last: lime").getBytes(StandardCharsets.UTF_8);
        SignatureException e = assertThrows(SignatureException.class,
                () -> ClearSigned.verify("F", changed, Keyring.load(keyringA), Instant.now()));
        assertTrue(e.getMessage().contains("BAD signature"), e.getMessage());
        byte[] before = ("Injected: yes\n" + signed).getBytes(StandardCharsets.UTF_8);
        assertThrows(SignatureException.class, () -> ClearSigned.verify("F", before, Keyring.load(keyringA), Instant.now()));
        byte[] sha1 = clearsign(TEXT, "--local-user", "a@example.org", "--digest-algo", "SHA1");
        SignatureException weak = assertThrows(SignatureException.class,
                () -> ClearSigned.verify("F", sha1, Keyring.load(keyringA), Instant.now()));
        assertTrue(weak.getMessage().contains("weak hash"), weak.getMessage());
    }

    @Test
    void olderReleaseThanSeenBeforeIsRefusedAsReplay() throws Exception {
        Path repo = Files.createTempDirectory(home, "repo");
        Path inRelease = Files.createDirectories(repo.resolve("dists/test")).resolve("InRelease");
        Repository r = new Repository(repo.toUri(), List.of("test"), List.of("main"), keyringA);
        RepositoryClient client = new RepositoryClient(new Transport(), home.resolve("cache-" + repo.getFileName()),
                java.time.Clock.systemUTC(), false);
        Files.write(inRelease, clearsign("Codename: test\nDate: Sat, 11 Jul 2026 10:16:37 UTC\nSHA256:\n",
                "--local-user", "a@example.org"));
        client.fetchRelease(r, "test");
        Files.write(inRelease, clearsign("Codename: test\nDate: Fri, 10 Jul 2026 10:16:37 UTC\nSHA256:\n",
                "--local-user", "a@example.org"));
        SignatureException e = assertThrows(SignatureException.class, () -> client.fetchRelease(r, "test"));
        assertTrue(e.getMessage().contains("older"), e.getMessage());
        assertTrue(e.file().endsWith("dists/test/InRelease"), e.file());
        Files.write(inRelease, clearsign("Codename: test\nDate: Sun, 12 Jul 2026 10:16:37 UTC\nSHA256:\n",
                "--local-user", "a@example.org"));
        assertEquals(Instant.parse("2026-07-12T10:16:37Z"), client.fetchRelease(r, "test").release().date());
        Files.write(inRelease, clearsign("Codename: other\nDate: Mon, 13 Jul 2026 10:16:37 UTC\nSHA256:\n",
                "--local-user", "a@example.org"));
        SignatureException suite = assertThrows(SignatureException.class, () -> client.fetchRelease(r, "test"));
        assertTrue(suite.getMessage().contains("not 'test'"), suite.getMessage());
    }
}

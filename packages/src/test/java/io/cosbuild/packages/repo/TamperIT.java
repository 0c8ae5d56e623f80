package io.cosbuild.packages.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.packages.SignatureException;
import io.cosbuild.packages.testutil.TestRepos;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fail-closed checks: a local copy of the real, signed bookworm metadata is served from a {@code file://} mirror,
 * then one file is tampered with and must be refused with a message naming it.
 */
class TamperIT {
    @TempDir
    Path tmp;
    Repository real;
    Path mirror;
    String packagesSha;
    /** The index the real fetch used (the mirror copy holds only that one), relative to the mirror. */
    String packagesPath;

    @BeforeEach
    void copyRealMetadata() throws Exception {
        PackageIndex idx = TestRepos.index("amd64");
        real = TestRepos.bookworm().stream().filter(r -> r.suites().contains("bookworm")).findFirst().orElseThrow();
        RepositoryClient client = TestRepos.client();
        mirror = tmp.resolve("mirror");
        Path dists = Files.createDirectories(mirror.resolve("dists/bookworm"));
        Files.copy(client.cachedInRelease(real, "bookworm"), dists.resolve("InRelease"));
        IndexDigest d = idx.digests().stream()
                .filter(x -> x.suite().equals("bookworm") && x.path().startsWith("main/binary-amd64/Packages"))
                .findFirst().orElseThrow();
        packagesSha = d.sha256();
        packagesPath = "dists/bookworm/" + d.path();
        Path byHash = Files.createDirectories(dists.resolve("main/binary-amd64/by-hash/SHA256"));
        Files.copy(client.store().path(d.sha256()), byHash.resolve(d.sha256()));
        Files.copy(client.store().path(d.sha256()), mirror.resolve(packagesPath));
    }

    private Repository local(Path keyring) {
        return new Repository(mirror.toUri(), List.of("bookworm"), List.of("main"), keyring);
    }

    private RepositoryClient freshClient(Clock clock, boolean allowExpired) {
        return new RepositoryClient(new Transport(), tmp.resolve("cache"), clock, allowExpired);
    }

    @Test
    void untouchedCopyVerifies() throws Exception {
        List<long[]> updates = new java.util.ArrayList<>();
        PackageIndex idx = freshClient(Clock.systemUTC(), false).fetchIndex(List.of(local(real.keyring())), "amd64",
                (done, total) -> updates.add(new long[] {done, total}));
        assertTrue(idx.size() > 50_000);
        // Debian's Release lists .gz and .xz; zlib reads the gzip one several times faster than the Java xz decoder.
        assertEquals("dists/bookworm/main/binary-amd64/Packages.gz", packagesPath, "the index the real fetch took");
        // Progress: the index counted twice (fetched, then read), reported as it goes and ending at the total.
        long size = Files.size(mirror.resolve(packagesPath));
        assertTrue(updates.size() > 5, "updates: " + updates.size());
        long last = 0;
        for (long[] u : updates) {
            assertEquals(2 * size, u[1]);
            assertTrue(u[0] >= last && u[0] <= u[1], u[0] + " after " + last);
            last = u[0];
        }
        assertEquals(2 * size, last);
    }

    /** A mirror without the .gz the Release lists (a partial mirror) still serves the index, through the .xz. */
    @Test
    void aMirrorWithoutTheGzipIndexServesTheXzOne() throws Exception {
        String xz = "main/binary-amd64/Packages.xz";
        ReleaseFile.FileHash fh = TestRepos.client().fetchRelease(real, "bookworm").release().sha256().get(xz);
        assertTrue(fh != null, "bookworm's Release lists " + xz);
        Path got = TestRepos.client().store().fetch(real.dists("bookworm", xz), xz, fh.sha256(), fh.size(),
                new Transport(), Transport.Progress.NONE).path();
        Path dists = mirror.resolve("dists/bookworm");
        Files.delete(mirror.resolve(packagesPath));
        Files.delete(dists.resolve("main/binary-amd64/by-hash/SHA256/" + packagesSha));
        Files.copy(got, dists.resolve(xz));
        PackageIndex idx = freshClient(Clock.systemUTC(), false).fetchIndex(local(real.keyring()), "amd64");
        assertTrue(idx.size() > 50_000);
        assertEquals(List.of("InRelease", xz), idx.digests().stream().map(IndexDigest::path).toList());
        assertEquals(fh.sha256(), idx.digests().get(1).sha256());
    }

    @Test
    void tamperedInReleaseIsRefused() throws Exception {
        Path f = mirror.resolve("dists/bookworm/InRelease");
        String text = Files.readString(f, StandardCharsets.ISO_8859_1);
        // Point the signed hash of the Packages index at other content.
        String tampered = text.replaceFirst(packagesSha.substring(0, 8), "00000000");
        assertTrue(!tampered.equals(text));
        Files.writeString(f, tampered, StandardCharsets.ISO_8859_1);
        SignatureException e = assertThrows(SignatureException.class,
                () -> freshClient(Clock.systemUTC(), false).fetchIndex(local(real.keyring()), "amd64"));
        assertEquals(mirror.toUri().resolve("dists/bookworm/InRelease").toString(), e.file());
        assertTrue(e.getMessage().contains("BAD signature"), e.getMessage());
    }

    @Test
    void unsignedDataAppendedToInReleaseIsRefused() throws Exception {
        Path f = mirror.resolve("dists/bookworm/InRelease");
        Files.writeString(f, Files.readString(f, StandardCharsets.ISO_8859_1) + "Package: evil\n",
                StandardCharsets.ISO_8859_1);
        SignatureException e = assertThrows(SignatureException.class,
                () -> freshClient(Clock.systemUTC(), false).fetchRelease(local(real.keyring()), "bookworm"));
        assertTrue(e.getMessage().contains("after the signature"), e.getMessage());
        assertTrue(e.file().endsWith("dists/bookworm/InRelease"));
    }

    @Test
    void keyringWithoutTheSigningKeysIsRefused() throws Exception {
        Path other = Path.of("/usr/share/keyrings/debian-archive-bullseye-stable.gpg");
        SignatureException e = assertThrows(SignatureException.class,
                () -> freshClient(Clock.systemUTC(), false).fetchRelease(local(other), "bookworm"));
        assertTrue(e.getMessage().contains("no valid signature from a key in " + other), e.getMessage());
    }

    @Test
    void tamperedPackagesIndexIsRefused() throws Exception {
        Path f = mirror.resolve("dists/bookworm/main/binary-amd64/by-hash/SHA256/" + packagesSha);
        byte[] b = Files.readAllBytes(f);
        b[b.length / 2] ^= 1;
        Files.write(f, b);
        Files.write(mirror.resolve(packagesPath), b);
        SignatureException e = assertThrows(SignatureException.class,
                () -> freshClient(Clock.systemUTC(), false).fetchIndex(local(real.keyring()), "amd64"));
        assertEquals(mirror.toUri().resolve(packagesPath).toString(), e.file());
        assertTrue(e.getMessage().contains("does not match the signed index"), e.getMessage());
        assertTrue(Files.notExists(new io.cosbuild.packages.cache.ContentStore(tmp.resolve("cache")).path(packagesSha)),
                "a refused file never enters the cache");
    }

    @Test
    void expiredValidUntilIsRefusedUnlessAllowed() throws Exception {
        Repository security = TestRepos.bookworm().stream().filter(r -> r.suites().contains("bookworm-security"))
                .findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(security != null, "host sources list no bookworm-security");
        Path sec = Files.createDirectories(tmp.resolve("sec/dists/bookworm-security"));
        TestRepos.index("amd64");
        Files.copy(TestRepos.client().cachedInRelease(security, "bookworm-security"), sec.resolve("InRelease"));
        Repository local = new Repository(tmp.resolve("sec").toUri(), List.of("bookworm-security"), List.of("main"),
                security.keyring());
        ReleaseFile rf = freshClient(Clock.systemUTC(), false).fetchRelease(local, "bookworm-security").release();
        assertTrue(rf.validUntil() != null, "bookworm-security sets Valid-Until");
        Clock later = Clock.fixed(rf.validUntil().plusSeconds(3600), ZoneOffset.UTC);
        SignatureException e = assertThrows(SignatureException.class,
                () -> freshClient(later, false).fetchRelease(local, "bookworm-security"));
        assertTrue(e.getMessage().contains("expired"), e.getMessage());
        assertTrue(e.file().endsWith("dists/bookworm-security/InRelease"));
        assertEquals(rf, freshClient(later, true).fetchRelease(local, "bookworm-security").release());
    }
}

package io.cosbuild.packages.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.packages.RepositoryException;
import io.cosbuild.packages.deb822.Deb822Parser;
import java.net.URI;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReleaseFileTest {
    static final String SHA = "9e0b5aabb2465b3d2e7a7fe27f9913846277833f7a2826e7767acccff5b588c5";

    @Test
    void parsesHashesDatesAndByHash() throws Exception {
        ReleaseFile r = ReleaseFile.parse("R", "Suite: oldstable\nCodename: bookworm\n"
                + "Date: Sat, 11 Jul 2026 10:16:37 UTC\nValid-Until: Sat, 18 Jul 2026 10:16:37 UTC\n"
                + "Acquire-By-Hash: yes\nSHA256:\n " + SHA + "  8790396 main/binary-amd64/Packages.xz\n");
        assertEquals("bookworm", r.codename());
        assertEquals(Instant.parse("2026-07-11T10:16:37Z"), r.date());
        assertEquals(Instant.parse("2026-07-18T10:16:37Z"), r.validUntil());
        assertTrue(r.acquireByHash());
        assertEquals(new ReleaseFile.FileHash(SHA, 8790396), r.sha256().get("main/binary-amd64/Packages.xz"));
        assertNull(ReleaseFile.parse("R", "Codename: x\nSHA256:\n").validUntil());
    }

    @Test
    void refusesReleaseWithoutOrWithMalformedHashes() {
        RepositoryException none = assertThrows(RepositoryException.class, () -> ReleaseFile.parse("R", "Codename: x\n"));
        assertTrue(none.getMessage().startsWith("R: no SHA256 field"), none.getMessage());
        assertThrows(RepositoryException.class, () -> ReleaseFile.parse("R", "SHA256:\n abc 12 main/x\n"));
        assertThrows(RepositoryException.class, () -> ReleaseFile.parse("R", "Date: yesterday\nSHA256:\n"));
    }

    @Test
    void refusesHostileStanzas() throws Exception {
        String base = "Package: a\nVersion: 1\nArchitecture: amd64\nSize: 1\nSHA256: " + SHA + "\n";
        URI repo = URI.create("file:///r/");
        assertThrows(IllegalArgumentException.class, () -> PackageRecord.of(
                Deb822Parser.parse(base + "Filename: ../../etc/shadow\n").get(0), repo, "s"));
        assertThrows(IllegalArgumentException.class, () -> PackageRecord.of(
                Deb822Parser.parse(base + "Filename: /etc/shadow\n").get(0), repo, "s"));
        assertThrows(IllegalArgumentException.class, () -> PackageRecord.of(
                Deb822Parser.parse(base.replace(SHA, "xyz") + "Filename: pool/a.deb\n").get(0), repo, "s"));
        PackageRecord ok = PackageRecord.of(Deb822Parser.parse(base + "Filename: pool/a.deb\n").get(0), repo, "s");
        assertEquals(URI.create("file:///r/pool/a.deb"), ok.uri());
    }
}

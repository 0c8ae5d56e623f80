package io.cosbuild.packages.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.packages.InputException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class AptSourcesTest {
    static final String DEB822 = """
            Types: deb deb-src
            URIs: http://a.invalid/debian
            Suites: bookworm bookworm-updates
            Components: main contrib
            Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

            Types: deb
            URIs: http://s.invalid/debian-security
            Suites: bookworm-security
            Components: main

            Types: deb-src
            URIs: http://src.invalid/debian
            Suites: bookworm
            Components: main

            Types: deb
            Enabled: no
            URIs: http://off.invalid/debian
            Suites: bookworm
            Components: main
            """;

    @Test
    void parsesDeb822Sources() throws Exception {
        List<Repository> r = AptSources.parseDeb822("x.sources", DEB822);
        assertEquals(2, r.size());
        assertEquals(URI.create("http://a.invalid/debian/"), r.get(0).uri());
        assertEquals(List.of("bookworm", "bookworm-updates"), r.get(0).suites());
        assertEquals(Keyring.DEBIAN_ARCHIVE_KEYRING, r.get(1).keyring());
    }

    @Test
    void parsesOneLineSources() throws Exception {
        List<Repository> r = AptSources.parseOneLine("sources.list", """
                # comment
                deb [arch=amd64 signed-by=/etc/k.gpg] http://a.invalid/debian bookworm main contrib # trailing
                deb-src http://a.invalid/debian bookworm main
                deb http://s.invalid/debian-security bookworm-security main
                """);
        assertEquals(2, r.size());
        assertEquals(Path.of("/etc/k.gpg"), r.get(0).keyring());
        assertEquals(List.of("main", "contrib"), r.get(0).components());
        assertEquals(List.of("bookworm-security"), r.get(1).suites());
        InputException e = assertThrows(InputException.class,
                () -> AptSources.parseOneLine("s.list", "deb http://a.invalid/debian\n"));
        assertEquals("s.list:1: expected 'deb URI SUITE COMPONENT...'", e.getMessage());
    }

    @Test
    void selectsReleaseAndMirrorReplacesMainSuitesOnly() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv(AptSources.MIRROR_ENV) == null,
                "the environment overrides the mirror");
        List<Repository> host = AptSources.parseDeb822("x.sources", DEB822);
        List<Repository> plain = AptSources.forRelease("bookworm", List.of("main"), null, null, host);
        assertEquals(2, plain.size());
        assertEquals(List.of("main"), plain.get(0).components());
        List<Repository> mirrored = AptSources.forRelease("bookworm", List.of("main"), "http://m.invalid/debian", null, host);
        assertEquals(URI.create("http://m.invalid/debian/"), mirrored.get(0).uri());
        assertEquals(List.of("bookworm", "bookworm-updates"), mirrored.get(0).suites());
        assertEquals(URI.create("http://s.invalid/debian-security/"), mirrored.get(1).uri());
        assertEquals(2, mirrored.size());
        // Exit 2 at the CLI: the machine's sources or the profile's release are at fault.
        InputException none = assertThrows(InputException.class,
                () -> AptSources.forRelease("trixie", List.of("main"), null, null, host));
        assertTrue(none.getMessage().startsWith("no apt source for Debian 'trixie' [main]"), none.getMessage());
        InputException lacking = assertThrows(InputException.class,
                () -> AptSources.forRelease("bookworm", List.of("main", "contrib"), null, null, host));
        assertTrue(lacking.getMessage().contains("lacks component(s) [main, contrib]"), lacking.getMessage());
    }
}

package io.cosbuild.packages.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.packages.testutil.TestRepos;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class RepositoryClientIT {
    @Test
    void fetchesVerifiedBookwormIndex() throws Exception {
        PackageIndex idx = TestRepos.index("amd64");
        assertTrue(idx.size() > 50_000, "bookworm main has more than 50k packages");
        assertTrue(idx.candidate("systemd").isPresent());
        assertFalse(idx.signers().isEmpty());
        assertTrue(idx.digests().stream().anyMatch(d -> d.path().equals("InRelease")));
        assertEquals("amd64", idx.arch());
    }

    @Test
    void warmCacheFetchesNoPackagesIndexAgain() throws Exception {
        List<Repository> repos = TestRepos.bookworm();
        TestRepos.index("arm64");
        Transport t = new Transport();
        RepositoryClient client = new RepositoryClient(t, TestRepos.cacheDir(), Clock.systemUTC(), false);
        long t0 = System.nanoTime();
        PackageIndex idx = client.fetchIndex(repos, "arm64");
        System.out.printf("warm arm64 index: %d names in %d ms, %d bytes transferred%n", idx.size(),
                (System.nanoTime() - t0) / 1_000_000, t.bytesTransferred());
        long inReleaseBytes = 0;
        int suites = 0;
        for (Repository r : repos) {
            for (String s : r.suites()) {
                inReleaseBytes += Files.size(client.cachedInRelease(r, s));
                suites++;
            }
        }
        // Only the small signed InRelease files are asked for again (with If-Modified-Since where the mirror
        // supports it); no Packages index is downloaded.
        assertEquals(suites, t.requests());
        assertTrue(t.bytesTransferred() <= inReleaseBytes, t.bytesTransferred() + " > " + inReleaseBytes);
    }
}

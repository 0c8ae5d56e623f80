package io.cosbuild.packages.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.packages.testutil.TestRepos;
import org.junit.jupiter.api.Test;

class RepositoryClientIT {
    @Test
    void fetchesVerifiedBookwormIndex() throws Exception {
        long t0 = System.nanoTime();
        PackageIndex idx = TestRepos.index("amd64");
        System.out.printf("index: %d names, %d ms%n", idx.size(), (System.nanoTime() - t0) / 1_000_000);
        assertTrue(idx.size() > 50_000, "bookworm main has more than 50k packages");
        assertTrue(idx.candidate("systemd").isPresent());
        assertFalse(idx.signers().isEmpty());
        assertTrue(idx.digests().stream().anyMatch(d -> d.path().equals("InRelease")));
        assertEquals("amd64", idx.arch());
    }
}

package io.cosbuild.packages.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.packages.SignatureException;
import io.cosbuild.packages.lock.LockFile;
import io.cosbuild.packages.lock.LockedPackage;
import io.cosbuild.packages.repo.PackageIndex;
import io.cosbuild.packages.repo.Repository;
import io.cosbuild.packages.repo.Transport;
import io.cosbuild.packages.resolve.ResolveRequest;
import io.cosbuild.packages.resolve.Resolver;
import io.cosbuild.packages.testutil.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads real packages of a small closure into a fresh cache, checked with {@code sha256sum}. */
class DownloadCacheIT {
    @TempDir
    Path tmp;

    private List<LockedPackage> lock(String... names) throws Exception {
        PackageIndex idx = TestRepos.index("amd64");
        return LockFile.of(new Resolver(idx).resolve(ResolveRequest.of("t", List.of(names), "amd64"))).packages();
    }

    private static String sha256sum(Path p) throws Exception {
        Process proc = new ProcessBuilder("sha256sum", p.toString()).start();
        String out = new String(proc.getInputStream().readAllBytes());
        assertEquals(0, proc.waitFor());
        return out.split(" ")[0];
    }

    @Test
    void secondRunWithWarmCacheDownloadsNothing() throws Exception {
        List<LockedPackage> pkgs = lock("busybox-static", "libzstd1", "zlib1g");
        List<Repository> repos = TestRepos.bookworm();
        Transport t1 = new Transport();
        DownloadCache first = new DownloadCache(tmp, t1, 3);
        Map<LockedPackage, Path> files = first.fetch(pkgs, repos, DownloadCache.Listener.NONE);
        assertEquals(pkgs.size(), first.stats().downloaded());
        for (var e : files.entrySet()) {
            assertEquals(e.getKey().sha256(), sha256sum(e.getValue()), e.getKey().name());
            assertEquals(e.getKey().size(), Files.size(e.getValue()));
        }
        Transport t2 = new Transport();
        DownloadCache second = new DownloadCache(tmp, t2, 3);
        assertEquals(files, second.fetch(pkgs, repos, DownloadCache.Listener.NONE));
        assertEquals(new DownloadCache.Stats(0, pkgs.size(), 0), second.stats());
        assertEquals(0, t2.requests(), "a warm cache makes no request at all");
    }

    @Test
    void corruptCachedFileIsDetectedAndFetchedAgain() throws Exception {
        List<LockedPackage> pkgs = lock("busybox-static");
        List<Repository> repos = TestRepos.bookworm();
        Path p = new DownloadCache(tmp, new Transport(), 1).fetch(pkgs, repos, DownloadCache.Listener.NONE)
                .get(pkgs.get(0));
        byte[] b = Files.readAllBytes(p);
        b[100] ^= 0x55;
        Files.write(p, b);
        DownloadCache again = new DownloadCache(tmp, new Transport(), 1);
        Path q = again.fetch(pkgs, repos, DownloadCache.Listener.NONE).get(pkgs.get(0));
        assertEquals(1, again.stats().downloaded());
        assertEquals(pkgs.get(0).sha256(), sha256sum(q));
    }

    @Test
    void interruptedDownloadIsResumed() throws Exception {
        List<LockedPackage> pkgs = lock("busybox-static");
        LockedPackage pkg = pkgs.get(0);
        List<Repository> repos = TestRepos.bookworm();
        // A complete copy from a first cache provides the first half of the bytes, as an interrupted run leaves them.
        Path full = new DownloadCache(tmp.resolve("a"), new Transport(), 1).fetch(pkgs, repos,
                DownloadCache.Listener.NONE).get(pkg);
        byte[] all = Files.readAllBytes(full);
        Path partial = Files.createDirectories(tmp.resolve("b/partial")).resolve(pkg.sha256() + ".part");
        Files.write(partial, java.util.Arrays.copyOf(all, all.length / 2));
        Transport t = new Transport();
        DownloadCache resumed = new DownloadCache(tmp.resolve("b"), t, 1);
        Path p = resumed.fetch(pkgs, repos, DownloadCache.Listener.NONE).get(pkg);
        assertEquals(pkg.sha256(), sha256sum(p));
        assertEquals(all.length - all.length / 2, resumed.stats().bytesTransferred(), "only the missing half is fetched");
        assertTrue(Files.notExists(partial));
    }

    @Test
    void tamperedDebIsRefusedNamingTheFile() throws Exception {
        List<LockedPackage> pkgs = lock("busybox-static");
        LockedPackage pkg = pkgs.get(0);
        Path good = new DownloadCache(tmp.resolve("a"), new Transport(), 1).fetch(pkgs, TestRepos.bookworm(),
                DownloadCache.Listener.NONE).get(pkg);
        Path mirror = tmp.resolve("mirror");
        Path target = mirror.resolve(pkg.filename());
        Files.createDirectories(target.getParent());
        byte[] b = Files.readAllBytes(good);
        b[b.length - 10] ^= 1;
        Files.write(target, b);
        Repository local = new Repository(mirror.toUri(), List.of(pkg.suite()), List.of("main"),
                TestRepos.bookworm().get(0).keyring());
        DownloadCache cache = new DownloadCache(tmp.resolve("b"), new Transport(), 1);
        SignatureException e = assertThrows(SignatureException.class,
                () -> cache.fetch(pkgs, List.of(local), DownloadCache.Listener.NONE));
        assertTrue(e.file().startsWith(pkg.debName()), e.file());
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
        assertTrue(Files.notExists(new ContentStore(tmp.resolve("b")).path(pkg.sha256())));
    }
}

package io.cosbuild.packages.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.packages.ResolutionException;
import io.cosbuild.packages.cache.DownloadCache;
import io.cosbuild.packages.deb.DebArchive;
import io.cosbuild.packages.lock.LockFile;
import io.cosbuild.packages.lock.LockedPackage;
import io.cosbuild.packages.repo.PackageIndex;
import io.cosbuild.packages.repo.Transport;
import io.cosbuild.packages.testutil.TestRepos;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gke include list with its deny list on the real index, and the resolve -> lock -> fetch path. */
class DenyAndLockIT {
    static final List<String> DENY = List.of("python3", "perl");

    @Test
    void gkeDenyListSteersAlternativesAwayFromPerl() throws Exception {
        for (String arch : List.of("amd64", "arm64")) {
            PackageIndex idx = TestRepos.index(arch);
            Resolution free = new Resolver(idx).resolve(ResolveRequest.of("gke", ResolverAptIT.GKE, arch));
            ResolvedPackage perl = free.packages().stream().filter(p -> p.pkg().name().equals("perl")).findFirst()
                    .orElseThrow(() -> new AssertionError("without a deny list, perl is expected via usrmerge"));
            assertTrue(perl.chainText().startsWith("gke -> "), perl.chainText());
            Resolution denied = new Resolver(idx).resolve(
                    new ResolveRequest("gke", ResolverAptIT.GKE, List.of(), DENY, arch, false));
            assertFalse(denied.names().contains("perl"));
            assertFalse(denied.names().contains("python3"));
            assertTrue(denied.names().contains("usr-is-merged"), "init-system-helpers: usrmerge | usr-is-merged");
        }
    }

    @Test
    void gkeWithEssentialSetHasAShellAndPerlBaseButNoPerl() throws Exception {
        Resolution r = new Resolver(TestRepos.index("amd64")).resolve(
                new ResolveRequest("gke", ResolverAptIT.GKE, List.of(), DENY, "amd64", false).essential(true));
        for (String n : List.of("bash", "dash", "coreutils", "dpkg", "base-files", "perl-base", "util-linux")) {
            assertTrue(r.names().contains(n), n + " missing from " + r.names());
        }
        assertFalse(r.names().contains("perl"));
        assertFalse(r.names().contains("python3"));
    }

    @Test
    void unavoidableDeniedPackageFailsWithItsChain() throws Exception {
        ResolutionException e = assertThrows(ResolutionException.class, () -> new Resolver(TestRepos.index("amd64"))
                .resolve(new ResolveRequest("gke", List.of("dbus", "usrmerge"), List.of(), DENY, "amd64", false)));
        assertEquals(List.of("gke", "usrmerge", "perl"), e.chain());
        assertTrue(e.getMessage().contains("denied package perl"), e.getMessage());
        assertTrue(e.getMessage().contains("gke -> usrmerge -> perl"), e.getMessage());
    }

    @Test
    void lockedSetIsFetchedWithoutIndexDownloads(@TempDir Path tmp) throws Exception {
        ResolveRequest req = ResolveRequest.of("t", List.of("busybox-static", "kmod"), "amd64");
        Resolution r = new Resolver(TestRepos.index("amd64")).resolve(req);
        Path lockFile = tmp.resolve("cosbuild.lock");
        LockFile.of(r).write(lockFile);
        LockFile lock = LockFile.read(lockFile);
        lock.requireMatches(req, lockFile);
        Transport t = new Transport();
        Map<LockedPackage, Path> files = new DownloadCache(tmp.resolve("cache"), t, 4)
                .fetch(lock.packages(), TestRepos.bookworm(), DownloadCache.Listener.NONE);
        assertEquals(r.names(), files.keySet().stream().map(LockedPackage::name).toList());
        assertEquals(lock.packages().size(), t.requests(), "one request per package, none for indexes");
        for (var e : files.entrySet()) {
            assertEquals(e.getKey().version(), DebArchive.open(e.getValue()).control().get("Version").orElseThrow());
        }
    }

    @Test
    void installOrderOfGkeClosurePutsLibrariesBeforeTheirUsers() throws Exception {
        Resolution r = new Resolver(TestRepos.index("amd64")).resolve(ResolveRequest.of("gke", ResolverAptIT.GKE, "amd64"));
        List<String> order = InstallOrder.of(r).stream().map(p -> p.pkg().name()).toList();
        assertEquals(new java.util.TreeSet<>(r.names()), new java.util.TreeSet<>(order));
        assertEquals(r.names().size(), order.size());
        for (String user : List.of("systemd", "containerd", "openssh-server", "iptables", "dbus")) {
            assertTrue(order.indexOf("libc6") < order.indexOf(user), user + " before libc6: " + order);
        }
        assertTrue(order.indexOf("libsystemd-shared") < order.indexOf("systemd"), order.toString());
    }
}

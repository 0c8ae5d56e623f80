package io.cosbuild.packages.lock;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.packages.PackagesException;
import io.cosbuild.packages.resolve.ResolveRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A lock's package list against its packages' control files and against the request it claims to satisfy. */
class LockCheckTest {

    /** Control stanzas of a small archive: kernel-like alternatives, a virtual package, versions. */
    private static final Map<String, Map<String, String>> CONTROL = new LinkedHashMap<>();

    static {
        control("app", "1.0-1", "libc (>= 2.34), tool | virtual-tool", null);
        control("libc", "2.36-9", null, null);
        control("tiny", "3", null, "virtual-tool");
        control("kernel", "6.1", "initramfs-tools (>= 0.120) | linux-initramfs-tool, kmod", null);
    }

    private static void control(String name, String version, String depends, String provides) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("Package", name);
        c.put("Version", version);
        c.put("Architecture", "amd64");
        if (depends != null) {
            c.put("Depends", depends);
        }
        if (provides != null) {
            c.put("Provides", provides);
        }
        CONTROL.put(name, c);
    }

    private static LockFile lock(String... names) {
        List<LockedPackage> pkgs = new ArrayList<>();
        for (String n : names) {
            pkgs.add(new LockedPackage(n, CONTROL.get(n).get("Version"), "amd64", "bookworm", "pool/" + n + ".deb", 1,
                    "ab".repeat(32)));
        }
        return new LockFile(LockFile.VERSION, "r", "amd64", new LockFile.KeyringInfo("k", List.of()), List.of(), pkgs);
    }

    private static void check(LockFile lock, ResolveRequest req) throws PackagesException {
        Map<LockedPackage, Map<String, String>> control = new HashMap<>();
        lock.packages().forEach(p -> control.put(p, CONTROL.get(p.name())));
        LockCheck.requireSatisfies(lock, req, control, "x.lock");
    }

    private static ResolveRequest request(List<String> includes, List<String> excludes, List<String> deny) {
        return new ResolveRequest("p", includes, excludes, deny, "amd64", false);
    }

    @Test
    void aClosureThatSatisfiesTheRequestPasses() {
        assertDoesNotThrow(() -> check(lock("app", "libc", "tiny"), request(List.of("app"), List.of(), List.of())));
    }

    @Test
    void aMissingIncludeIsRefused() {
        PackagesException e = assertThrows(PackagesException.class,
                () -> check(lock("libc"), request(List.of("app"), List.of(), List.of())));
        assertTrue(e.getMessage().contains("x.lock does not satisfy the package request p: it does not list app"),
                e.getMessage());
    }

    @Test
    void aDeniedOrExcludedPackageInTheLockIsRefused() {
        PackagesException e = assertThrows(PackagesException.class,
                () -> check(lock("app", "libc", "tiny"), request(List.of("app"), List.of(), List.of("tiny"))));
        assertTrue(e.getMessage().contains("it lists tiny, which the request denies"), e.getMessage());
        e = assertThrows(PackagesException.class,
                () -> check(lock("app", "libc", "tiny"), request(List.of("app"), List.of("libc"), List.of())));
        assertTrue(e.getMessage().contains("it lists libc, which the request excludes"), e.getMessage());
    }

    @Test
    void anUnmetDependsIsRefusedNamingIt() {
        PackagesException e = assertThrows(PackagesException.class,
                () -> check(lock("app", "tiny"), request(List.of("app"), List.of(), List.of())));
        assertTrue(e.getMessage().contains("app 1.0-1 needs 'libc (>= 2.34)'"), e.getMessage());
        // Satisfied only through Provides: the virtual alternative counts.
        e = assertThrows(PackagesException.class, () -> check(lock("app", "libc"), request(List.of("app"), List.of(), List.of())));
        assertTrue(e.getMessage().contains("tool | virtual-tool"), e.getMessage());
    }

    @Test
    void dependenciesOnlyExcludedPackagesSatisfyAreDroppedAsTheResolverDropsThem() {
        // As the boot set: initramfs-tools and kmod excluded, linux-initramfs-tool's providers too.
        assertDoesNotThrow(() -> check(lock("kernel"),
                request(List.of("kernel"), List.of("initramfs-tools", "kmod", "dracut"), List.of())));
        assertThrows(PackagesException.class, () -> check(lock("kernel"), request(List.of("kernel"), List.of("kmod"), List.of())));
    }

    @Test
    void anEditedVersionNameOrArchitectureIsRefusedNamingThePackage() {
        Map<String, String> c = CONTROL.get("libc");
        assertDoesNotThrow(() -> LockCheck.requireIdentity(lock("libc").packages().get(0), c));
        LockedPackage edited = new LockedPackage("libc", "9.9", "amd64", "bookworm", "pool/libc.deb", 1, "ab".repeat(32));
        PackagesException e = assertThrows(PackagesException.class, () -> LockCheck.requireIdentity(edited, c));
        assertTrue(e.getMessage().startsWith("lock entry libc 9.9 (amd64)"), e.getMessage());
        assertTrue(e.getMessage().contains("the lock says version '9.9', the .deb says '2.36-9'"), e.getMessage());
        LockedPackage renamed = new LockedPackage("libd", "2.36-9", "all", "bookworm", "pool/libc.deb", 1, "ab".repeat(32));
        e = assertThrows(PackagesException.class, () -> LockCheck.requireIdentity(renamed, c));
        assertTrue(e.getMessage().contains("package 'libd', the .deb says 'libc'")
                && e.getMessage().contains("architecture 'all', the .deb says 'amd64'"), e.getMessage());
    }
}

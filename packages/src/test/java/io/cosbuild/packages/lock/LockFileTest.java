package io.cosbuild.packages.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.packages.PackagesException;
import io.cosbuild.packages.deb822.Deb822Parser;
import io.cosbuild.packages.repo.IndexDigest;
import io.cosbuild.packages.repo.PackageIndex;
import io.cosbuild.packages.repo.PackageRecord;
import io.cosbuild.packages.resolve.ResolveRequest;
import io.cosbuild.packages.resolve.Resolver;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockFileTest {
    private static PackageIndex index() throws Exception {
        List<PackageRecord> r = new ArrayList<>();
        for (String s : List.of("Package: b\nVersion: 1:2.0-1\nDepends: a", "Package: a\nVersion: 1.0")) {
            r.add(PackageRecord.of(Deb822Parser.parse(s + "\nArchitecture: amd64\nFilename: pool/main/" + s.charAt(9)
                    + ".deb\nSize: 42\nSHA256: " + "ab".repeat(32) + "\n").get(0), URI.create("http://mirror.invalid/debian/"),
                    "bookworm"));
        }
        return new PackageIndex("amd64", r, List.of(new IndexDigest("bookworm", "InRelease", "cd".repeat(32))),
                List.of("FPR2", "FPR1"), "ef".repeat(32));
    }

    @Test
    void roundTripsSortedWithoutHostNames(@TempDir Path tmp) throws Exception {
        ResolveRequest req = ResolveRequest.of("gke", List.of("b"), "amd64");
        LockFile lock = LockFile.of(new Resolver(index()).resolve(req));
        Path f = tmp.resolve("cosbuild.lock");
        lock.write(f);
        String json = Files.readString(f);
        assertFalse(json.contains("mirror.invalid"), "no host name in the lock");
        assertTrue(json.indexOf("\"name\" : \"a\"") < json.indexOf("\"name\" : \"b\""), "packages sorted by name");
        assertTrue(json.indexOf("\"lockVersion\"") < json.indexOf("\"packages\""), "stable key order");
        assertTrue(json.contains("\"version\" : \"1:2.0-1\""));
        assertEquals(List.of("FPR1", "FPR2"), lock.keyring().signers());
        LockFile back = LockFile.read(f);
        assertEquals(lock, back);
        assertEquals(json, back.toJson());
        assertTrue(back.matches(req));
        assertTrue(Files.list(tmp).allMatch(p -> p.equals(f)), "no temporary file left");
    }

    @Test
    void replaceLeavesOthersFilesAloneAndNothingBehind(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("x.lock");
        // A file of the user's with the name a fixed temporary name would take, and the next run's.
        Path users = Files.writeString(tmp.resolve("x.lock.tmp"), "mine");
        Path hidden = Files.writeString(tmp.resolve(".x.lock.tmp"), "mine too");
        LockFile.replace(f, "{}\n");
        assertEquals("{}\n", Files.readString(f));
        assertEquals("mine", Files.readString(users));
        assertEquals("mine too", Files.readString(hidden));
        // Made as an ordinary file: the umask's mode, not a temporary file's 0600 (a lock is committed and shared).
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(f);
        assertTrue(mode.contains(PosixFilePermission.OWNER_WRITE) && mode.contains(PosixFilePermission.OTHERS_READ), mode.toString());
        assertEquals(Set.of(f, users, hidden), Set.copyOf(Files.list(tmp).toList()));
        // A rename that fails (a directory where the file goes) leaves no temporary file either.
        Path notAFile = Files.createDirectories(tmp.resolve("d.lock"));
        Files.writeString(notAFile.resolve("inner"), "x");
        assertThrows(IOException.class, () -> LockFile.replace(notAFile, "{}"));
        assertEquals(Set.of(f, users, hidden, notAFile), Set.copyOf(Files.list(tmp).toList()));
    }

    @Test
    void staleLockIsNoticed() throws Exception {
        LockFile lock = LockFile.of(new Resolver(index()).resolve(ResolveRequest.of("gke", List.of("b"), "amd64")));
        ResolveRequest other = ResolveRequest.of("gke", List.of("a", "b"), "amd64");
        PackagesException e = assertThrows(PackagesException.class, () -> lock.requireMatches(other, Path.of("x.lock")));
        assertTrue(e.getMessage().contains("x.lock is stale"), e.getMessage());
        // An image lock is rewritten with --profile: the advice is the caller's.
        e = assertThrows(PackagesException.class, () -> lock.requireMatches(other, Path.of("x.lock"),
                "cosbuild packages resolve --profile gke --write-lock x.lock"));
        assertTrue(e.getMessage().endsWith("run 'cosbuild packages resolve --profile gke --write-lock x.lock' again"),
                e.getMessage());
        // Order of the include list does not matter.
        assertTrue(lock.matches(ResolveRequest.of("gke", List.of("b", "b"), "amd64")));
    }

    @Test
    void refusesMalformedLocks() {
        assertThrows(PackagesException.class, () -> LockFile.parse("{\"lockVersion\": 2}", "l"));
        assertThrows(PackagesException.class, () -> LockFile.parse("not json", "l"));
        assertThrows(IllegalArgumentException.class,
                () -> new LockedPackage("a", "1", "amd64", "bookworm", "../etc/passwd", 1, "ab".repeat(32)));
        assertThrows(IllegalArgumentException.class,
                () -> new LockedPackage("a", "1", "amd64", "bookworm", "pool/a.deb", 1, "xyz"));
    }
}

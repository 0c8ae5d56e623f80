package io.cosbuild.packages.deb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cosbuild.packages.cache.DownloadCache;
import io.cosbuild.packages.lock.LockFile;
import io.cosbuild.packages.lock.LockedPackage;
import io.cosbuild.packages.repo.Transport;
import io.cosbuild.packages.resolve.ResolveRequest;
import io.cosbuild.packages.resolve.Resolver;
import io.cosbuild.packages.testutil.TestRepos;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Our .deb reader against {@code dpkg-deb} (the judge) on packages dpkg-deb builds and on real ones. */
class DebArchiveIT {
    @TempDir
    Path tmp;

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), cmd + ":\n" + out);
        return out;
    }

    /** Path -> "type size md5" of each data entry, as our reader sees it. */
    private static Map<String, String> ours(DebArchive deb) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (DebArchive.DataReader r = deb.data()) {
            DebArchive.DataEntry e;
            while ((e = r.next()) != null) {
                String v = switch (e.type()) {
                    case FILE, HARDLINK -> "f";
                    case DIRECTORY -> "d";
                    case SYMLINK -> "l " + e.entry().getLinkName();
                    default -> "o";
                };
                if (e.type() == DebArchive.DataEntry.Type.FILE) {
                    MessageDigest md = MessageDigest.getInstance("MD5");
                    try (InputStream in = r.content()) {
                        v = "f " + e.entry().getSize() + " " + HexFormat.of().formatHex(md.digest(in.readAllBytes()));
                    }
                } else if (e.type() == DebArchive.DataEntry.Type.HARDLINK) {
                    v = "h " + e.entry().getLinkName();
                }
                m.put(e.path(), v);
            }
        }
        return m;
    }

    /** The same view from dpkg-deb: extract with dpkg-deb -x and walk the tree. */
    private Map<String, String> dpkgs(Path deb) throws Exception {
        Path x = Files.createTempDirectory(tmp, "x");
        run(List.of("dpkg-deb", "-x", deb.toString(), x.toString()));
        Map<String, String> m = new TreeMap<>();
        try (var s = Files.walk(x)) {
            for (Path p : s.toList()) {
                String rel = x.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    m.put(rel, "l " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p)) {
                    m.put(rel, "d");
                } else {
                    byte[] b = Files.readAllBytes(p);
                    m.put(rel, "f " + b.length + " " + HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b)));
                }
            }
        }
        return m;
    }

    private Path buildTree() throws Exception {
        Path root = tmp.resolve("pkg");
        Files.createDirectories(root.resolve("DEBIAN"));
        Files.createDirectories(root.resolve("etc/demo"));
        Files.createDirectories(root.resolve("usr/bin"));
        Files.writeString(root.resolve("etc/demo/demo.conf"), "key=value\n");
        Files.write(root.resolve("usr/bin/demo"), new byte[70_000]);
        Files.createSymbolicLink(root.resolve("usr/bin/demo-link"), Path.of("demo"));
        Files.writeString(root.resolve("DEBIAN/control"), "Package: demo\nVersion: 1.0-1\nArchitecture: amd64\n"
                + "Maintainer: Test <t@example.org>\nDepends: libc6 (>= 2.36)\nDescription: demo\n more\n");
        Files.writeString(root.resolve("DEBIAN/conffiles"), "/etc/demo/demo.conf\n");
        String md5 = run(List.of("sh", "-c", "cd " + root + " && md5sum usr/bin/demo etc/demo/demo.conf"));
        Files.writeString(root.resolve("DEBIAN/md5sums"), md5);
        return root;
    }

    /**
     * A .deb put together with ar, as dpkg-deb would not build it: {@code commands} run in a new directory
     * {@code dir} and make {@code control.tar.gz} and the data member.
     */
    private Path assemble(String dir, String commands, String dataMember) throws Exception {
        Path work = Files.createDirectories(tmp.resolve(dir));
        run(List.of("sh", "-c", "cd " + work + " && printf '2.0\\n' > debian-binary && " + commands
                + " && ar rc pkg.deb debian-binary control.tar.gz " + dataMember));
        return work.resolve("pkg.deb");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "xz", "zstd", "none"})
    void readsWhatDpkgDebBuilds(String compression) throws Exception {
        Path root = buildTree();
        Path deb = tmp.resolve("demo-" + compression + ".deb");
        run(List.of("dpkg-deb", "--root-owner-group", "-Z" + compression, "--build", root.toString(), deb.toString()));
        DebArchive a = DebArchive.open(deb);
        assertEquals(run(List.of("dpkg-deb", "-f", deb.toString(), "Package")).strip(), a.control().get("Package").orElseThrow());
        assertEquals(run(List.of("dpkg-deb", "-f", deb.toString(), "Depends")).strip(), a.control().get("Depends").orElseThrow());
        assertEquals(List.of("/etc/demo/demo.conf"), a.conffiles());
        Path ctl = tmp.resolve("ctl-" + compression);
        run(List.of("dpkg-deb", "-e", deb.toString(), ctl.toString()));
        assertArrayEquals(Files.readAllBytes(ctl.resolve("md5sums")), a.controlFile("md5sums"));
        assertEquals(2, a.md5sums().size());
        Map<String, String> ours = ours(a);
        assertEquals(dpkgs(deb), ours);
        assertEquals(ours.get("usr/bin/demo").split(" ")[2], a.md5sums().get("usr/bin/demo"));
    }

    @Test
    void readsBzip2DataMember() throws Exception {
        // dpkg-deb no longer builds bzip2 members; assemble one with ar and tar as old packages have them.
        Path root = buildTree();
        Path deb = assemble("bz", "tar -C " + root.resolve("DEBIAN") + " -czf control.tar.gz ./control ./conffiles ./md5sums"
                + " && tar -C " + root + " --exclude=./DEBIAN -cjf data.tar.bz2 .", "data.tar.bz2");
        Map<String, String> ours = ours(DebArchive.open(deb));
        assertEquals(dpkgs(deb), ours);
    }

    @Test
    void readsRealPackagesLikeDpkgDeb() throws Exception {
        List<LockedPackage> pkgs = LockFile.of(new Resolver(TestRepos.index("amd64"))
                .resolve(ResolveRequest.of("t", List.of("busybox-static", "kmod"), "amd64"))).packages();
        Map<LockedPackage, Path> files = new DownloadCache(TestRepos.cacheDir(), new Transport(), 2)
                .fetch(pkgs, TestRepos.bookworm(), DownloadCache.Listener.NONE);
        List<String> checked = new ArrayList<>();
        for (var e : files.entrySet()) {
            DebArchive a = DebArchive.open(e.getValue());
            assertEquals(e.getKey().name(), a.control().get("Package").orElseThrow());
            Map<String, String> ours = ours(a);
                assertEquals(dpkgs(e.getValue()), ours, e.getKey().name());
            checked.add(e.getKey().name());
        }
        assertEquals(pkgs.size(), checked.size());
    }

    @Test
    void refusesControlMembersTooLargeToHoldInMemory() throws Exception {
        // Each 40 MiB file is under the 64 MiB cap; together they are not, and all are held in memory.
        Path root = buildTree();
        String data = "tar -C " + root + " --exclude=./DEBIAN -czf data.tar.gz .";
        Path big = assemble("big", "cp " + root.resolve("DEBIAN/control") + " control"
                + " && head -c 41943040 /dev/zero > config && head -c 41943040 /dev/zero > templates"
                + " && tar -czf control.tar.gz ./control ./config ./templates && rm config templates && " + data,
                "data.tar.gz");
        DebFormatException e = assertThrows(DebFormatException.class, () -> DebArchive.open(big));
        assertEquals(true, e.getMessage().contains(big.toString()) && e.getMessage().contains("larger than 67108864 bytes"),
                e.getMessage());
        Path manyFiles = assemble("many", "mkdir c && cp " + root.resolve("DEBIAN/control") + " c/"
                + " && (cd c && seq 1 1000 | xargs touch) && tar -C c -czf control.tar.gz . && " + data, "data.tar.gz");
        DebFormatException many = assertThrows(DebFormatException.class, () -> DebArchive.open(manyFiles));
        assertEquals(true, many.getMessage().contains(manyFiles.toString()) && many.getMessage().contains("more than 1000 files"),
                many.getMessage());
    }

    @Test
    void refusesEntriesEscapingTheRoot() throws Exception {
        Path root = buildTree();
        Path evil = assemble("evil", "tar -C " + root.resolve("DEBIAN") + " -czf control.tar.gz ./control"
                + " && echo x > x && tar --transform 's,^x,../../etc/x,' -czf data.tar.gz x", "data.tar.gz");
        Path work = evil.getParent();
        DebArchive a = DebArchive.open(evil);
        DebFormatException e = assertThrows(DebFormatException.class, () -> ours(a));
        assertEquals(true, e.getMessage().contains("escapes the root"), e.getMessage());
        DebFormatException notDeb = assertThrows(DebFormatException.class, () -> DebArchive.open(work.resolve("x")));
        assertEquals(true, notDeb.getMessage().contains("not a .deb"), notDeb.getMessage());
    }
}

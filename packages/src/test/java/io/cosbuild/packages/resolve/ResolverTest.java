package io.cosbuild.packages.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.packages.ResolutionException;
import io.cosbuild.packages.deb822.Deb822Parser;
import io.cosbuild.packages.repo.PackageIndex;
import io.cosbuild.packages.repo.PackageRecord;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Resolver rules on small synthetic indexes (the real-index comparison with apt is ResolverAptIT). */
class ResolverTest {
    private static PackageIndex index(String... stanzas) throws Exception {
        List<PackageRecord> records = new ArrayList<>();
        int i = 0;
        for (String s : stanzas) {
            String text = s + "\nFilename: pool/" + (i++) + ".deb\nSize: 10\nSHA256: " + "0".repeat(64) + "\n";
            if (!s.contains("Architecture:")) {
                text += "Architecture: amd64\n";
            }
            records.add(PackageRecord.of(Deb822Parser.parse(text).get(0), URI.create("file:///r/"), "test"));
        }
        return new PackageIndex("amd64", records, List.of(), List.of(), "");
    }

    private static List<String> resolve(PackageIndex idx, String... includes) throws ResolutionException {
        return new Resolver(idx).resolve(ResolveRequest.of("t", List.of(includes), "amd64")).names();
    }

    @Test
    void followsDependsAndPreDependsWithVersions() throws Exception {
        PackageIndex idx = index(
                "Package: app\nVersion: 1\nPre-Depends: libc (>= 2)\nDepends: libfoo",
                "Package: libc\nVersion: 2.1",
                "Package: libfoo\nVersion: 1\nDepends: libc",
                "Package: unrelated\nVersion: 1");
        assertEquals(List.of("app", "libc", "libfoo"), resolve(idx, "app"));
    }

    @Test
    void highestVersionIsTheCandidate() throws Exception {
        PackageIndex idx = index("Package: a\nVersion: 1.0\nDepends: old", "Package: a\nVersion: 1.0+deb12u1",
                "Package: old\nVersion: 1");
        assertEquals(List.of("a"), resolve(idx, "a"));
    }

    @Test
    void firstSatisfiableAlternativeWinsAndSatisfiedGroupsNeedNothing() throws Exception {
        PackageIndex idx = index(
                "Package: app\nVersion: 1\nDepends: missing | b (>= 2) | c, d | c",
                "Package: b\nVersion: 1", "Package: c\nVersion: 1", "Package: d\nVersion: 1");
        // b is too old, so c; "d | c" is then already satisfied by c.
        assertEquals(List.of("app", "c"), resolve(idx, "app"));
    }

    @Test
    void virtualPackagesAndVersionedProvides() throws Exception {
        PackageIndex idx = index(
                "Package: app\nVersion: 1\nDepends: mta, awk (>= 2)",
                "Package: exim\nVersion: 1\nProvides: mta\nPriority: optional",
                "Package: postfix\nVersion: 1\nProvides: mta\nPriority: standard",
                "Package: mawk\nVersion: 1\nProvides: awk (= 1)\nPriority: required",
                "Package: gawk\nVersion: 5\nProvides: awk (= 5)\nPriority: optional");
        // mta: higher Priority wins; awk >= 2: only gawk's versioned Provides satisfies it.
        assertEquals(List.of("app", "gawk", "postfix"), resolve(idx, "app"));
        // An included provider is preferred over a higher-priority one.
        assertEquals(List.of("app", "exim", "gawk"), resolve(idx, "app", "exim"));
    }

    @Test
    void conflictsSteerTheChoice() throws Exception {
        PackageIndex idx = index(
                "Package: app\nVersion: 1\nDepends: base, x | y",
                "Package: base\nVersion: 1\nConflicts: x",
                "Package: x\nVersion: 1", "Package: y\nVersion: 1\nBreaks: z", "Package: z\nVersion: 1");
        assertEquals(List.of("app", "base", "y"), resolve(idx, "app"));
        ResolutionException e = assertThrows(ResolutionException.class, () -> resolve(idx, "app", "z"));
        assertTrue(e.getMessage().contains("conflicts with z"), e.getMessage());
    }

    @Test
    void anyQualifierNeedsMultiArchAllowed() throws Exception {
        PackageIndex idx = index(
                "Package: app\nVersion: 1\nDepends: python3:any | perl",
                "Package: python3\nVersion: 3\nMulti-Arch: no", "Package: perl\nVersion: 5",
                "Package: app2\nVersion: 1\nDepends: tool:any", "Package: tool\nVersion: 1\nMulti-Arch: allowed",
                "Package: doc\nVersion: 1\nArchitecture: all\nDepends: app2:amd64");
        assertEquals(List.of("app", "perl"), resolve(idx, "app"));
        assertEquals(List.of("app2", "doc", "tool"), resolve(idx, "doc"));
    }

    @Test
    void unsatisfiableDependencyNamesWhatAndWho() throws Exception {
        PackageIndex idx = index("Package: app\nVersion: 1\nDepends: mid", "Package: mid\nVersion: 1\nDepends: lib (>= 3)",
                "Package: lib\nVersion: 2");
        ResolutionException e = assertThrows(ResolutionException.class, () -> resolve(idx, "app"));
        assertEquals(List.of("t", "app", "mid"), e.chain());
        assertTrue(e.getMessage().contains("mid 1 needs 'lib (>= 3)'"), e.getMessage());
        assertTrue(e.getMessage().contains("lib 2 does not satisfy it"), e.getMessage());
        ResolutionException unknown = assertThrows(ResolutionException.class, () -> resolve(idx, "nope"));
        assertTrue(unknown.getMessage().contains("'nope' is not in the index"), unknown.getMessage());
    }

    @Test
    void deniedPackageFailsWithChainUnlessAnAlternativeAvoidsIt() throws Exception {
        PackageIndex idx = index(
                "Package: agent\nVersion: 1\nDepends: helper",
                "Package: helper\nVersion: 1\nDepends: python3 | lua",
                "Package: python3\nVersion: 3", "Package: lua\nVersion: 5",
                "Package: tool\nVersion: 1\nDepends: helper2", "Package: helper2\nVersion: 1\nDepends: perl",
                "Package: perl\nVersion: 5");
        ResolveRequest avoid = new ResolveRequest("gke", List.of("agent"), List.of(), List.of("python3"), "amd64", false);
        assertEquals(List.of("agent", "helper", "lua"), new Resolver(idx).resolve(avoid).names());
        ResolveRequest denied = new ResolveRequest("gke", List.of("tool"), List.of(), List.of("perl"), "amd64", false);
        ResolutionException e = assertThrows(ResolutionException.class, () -> new Resolver(idx).resolve(denied));
        assertEquals(List.of("gke", "tool", "helper2", "perl"), e.chain());
        assertTrue(e.getMessage().contains("gke -> tool -> helper2 -> perl"), e.getMessage());
    }

    @Test
    void excludedPackagesAreDroppedAndReported() throws Exception {
        PackageIndex idx = index("Package: app\nVersion: 1\nDepends: big, small", "Package: big\nVersion: 1",
                "Package: small\nVersion: 1");
        Resolution r = new Resolver(idx).resolve(
                new ResolveRequest("t", List.of("app"), List.of("big"), List.of(), "amd64", false));
        assertEquals(List.of("app", "small"), r.names());
        assertEquals(List.of("app: big"), r.dropped());
    }

    @Test
    void recommendsOnlyWhenAsked() throws Exception {
        PackageIndex idx = index("Package: app\nVersion: 1\nRecommends: extra, gone", "Package: extra\nVersion: 1");
        assertEquals(List.of("app"), resolve(idx, "app"));
        Resolution r = new Resolver(idx).resolve(new ResolveRequest("t", List.of("app"), List.of(), List.of(), "amd64", true));
        assertEquals(List.of("app", "extra"), r.names(), "an unsatisfiable Recommends is skipped");
    }

    @Test
    void chainsRecordWhoPulledEachPackage() throws Exception {
        PackageIndex idx = index("Package: a\nVersion: 1\nDepends: b", "Package: b\nVersion: 1\nDepends: c",
                "Package: c\nVersion: 1");
        Resolution r = new Resolver(idx).resolve(ResolveRequest.of("gke", List.of("a"), "amd64"));
        assertEquals("gke -> a -> b -> c", r.packages().get(2).chainText());
    }

    @Test
    void installOrderPutsDependenciesFirstAndBreaksCyclesByName() throws Exception {
        PackageIndex idx = index("Package: app\nVersion: 1\nDepends: zlib, mta", "Package: zlib\nVersion: 1\nDepends: libc",
                "Package: libc\nVersion: 1\nDepends: libgcc", "Package: libgcc\nVersion: 1\nDepends: libc",
                "Package: exim\nVersion: 1\nProvides: mta\nPre-Depends: zlib");
        Resolution r = new Resolver(idx).resolve(ResolveRequest.of("t", List.of("app"), "amd64"));
        assertEquals(List.of("libc", "libgcc", "zlib", "exim", "app"),
                InstallOrder.of(r).stream().map(p -> p.pkg().name()).toList());
    }

    @Test
    void essentialSetOnlyWhenAsked() throws Exception {
        PackageIndex idx = index("Package: app\nVersion: 1", "Package: sh\nVersion: 1\nEssential: yes\nDepends: libc",
                "Package: libc\nVersion: 1", "Package: perl-base\nVersion: 5\nEssential: yes");
        assertEquals(List.of("app"), resolve(idx, "app"));
        ResolveRequest req = ResolveRequest.of("t", List.of("app"), "amd64").essential(true);
        assertEquals(List.of("app", "libc", "perl-base", "sh"), new Resolver(idx).resolve(req).names());
        ResolveRequest denied = new ResolveRequest("t", List.of("app"), List.of(), List.of("perl-base"), "amd64", false)
                .essential(true);
        ResolutionException e = assertThrows(ResolutionException.class, () -> new Resolver(idx).resolve(denied));
        assertTrue(e.getMessage().contains("perl-base is Essential"), e.getMessage());
        ResolveRequest excluded = new ResolveRequest("t", List.of("app"), List.of("perl-base"), List.of(), "amd64", false)
                .essential(true);
        assertEquals(List.of("app", "libc", "sh"), new Resolver(idx).resolve(excluded).names());
    }
}

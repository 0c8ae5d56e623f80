package io.cosbuild.packages.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.packages.repo.PackageIndex;
import io.cosbuild.packages.testutil.AptReference;
import io.cosbuild.packages.testutil.TestRepos;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Our closure must equal apt's for the same index and an empty dpkg status. */
class ResolverAptIT {
    /** The gke profile's include list. */
    static final List<String> GKE = List.of("systemd", "containerd", "runc", "iptables", "nftables",
            "ca-certificates", "openssh-server", "kmod", "iproute2", "e2fsprogs", "dbus", "udev");

    static Stream<Arguments> sets() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (String arch : List.of("amd64", "arm64")) {
            b.add(Arguments.of(arch, List.of("busybox-static")));
            b.add(Arguments.of(arch, List.of("systemd")));
            b.add(Arguments.of(arch, List.of("containerd", "runc", "iptables")));
            b.add(Arguments.of(arch, GKE));
        }
        b.add(Arguments.of("amd64", List.of("openssh-client", "curl", "python3", "sudo", "locales")));
        b.add(Arguments.of("amd64", List.of("network-manager", "rsyslog", "cron", "vim")));
        b.add(Arguments.of("amd64", List.of("docker.io", "libvirt-daemon-system")));
        b.add(Arguments.of("arm64", List.of("postgresql", "nginx", "git")));
        return b.build();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("sets")
    void closureEqualsApt(String arch, List<String> includes, @TempDir Path work) throws Exception {
        PackageIndex index = TestRepos.index(arch);
        Resolution ours = new Resolver(index).resolve(ResolveRequest.of("test", includes, arch));
        TreeMap<String, String> aptVersions =
                AptReference.closure(work, TestRepos.bookworm(), TestRepos.client(), index, arch, includes);
        TreeSet<String> apt = new TreeSet<>(aptVersions.keySet());
        TreeSet<String> mine = new TreeSet<>(ours.names());
        System.out.printf("%s %s: apt %d packages, ours %d%n", arch, includes, apt.size(), mine.size());
        assertTrue(apt.containsAll(includes), "apt output lacks the requested packages: " + apt);
        TreeSet<String> onlyOurs = new TreeSet<>(mine);
        onlyOurs.removeAll(apt);
        TreeSet<String> onlyApt = new TreeSet<>(apt);
        onlyApt.removeAll(mine);
        assertEquals(apt, mine, "closure differs from apt's for " + includes + " on " + arch
                + ": only ours " + onlyOurs + ", only apt's " + onlyApt);
        TreeMap<String, String> ourVersions = new TreeMap<>();
        ours.packages().forEach(p -> ourVersions.put(p.pkg().name(), p.pkg().versionString()));
        assertEquals(aptVersions, ourVersions, "apt chose other versions");
    }
}

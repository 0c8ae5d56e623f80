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
            b.add(Arguments.of(false, arch, List.of("busybox-static")));
            b.add(Arguments.of(false, arch, List.of("systemd")));
            b.add(Arguments.of(false, arch, List.of("containerd", "runc", "iptables")));
            b.add(Arguments.of(false, arch, GKE));
        }
        b.add(Arguments.of(false, "amd64", List.of("openssh-client", "curl", "python3", "sudo", "locales")));
        b.add(Arguments.of(false, "amd64", List.of("network-manager", "rsyslog", "cron", "vim")));
        b.add(Arguments.of(false, "amd64", List.of("docker.io", "libvirt-daemon-system")));
        b.add(Arguments.of(false, "arm64", List.of("postgresql", "nginx", "git")));
        // With Recommends, against apt --install-recommends.
        b.add(Arguments.of(true, "amd64", List.of("systemd")));
        b.add(Arguments.of(true, "arm64", List.of("containerd", "runc", "iptables")));
        return b.build();
    }

    @ParameterizedTest(name = "recommends={0} {1} {2}")
    @MethodSource("sets")
    void closureEqualsApt(boolean recommends, String arch, List<String> includes, @TempDir Path work)
            throws Exception {
        PackageIndex index = TestRepos.index(arch);
        Resolution ours = new Resolver(index).resolve(
                new ResolveRequest("test", includes, List.of(), List.of(), arch, recommends));
        TreeMap<String, String> aptVersions = AptReference.closure(work, TestRepos.bookworm(), TestRepos.client(),
                index, arch, includes, recommends);
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

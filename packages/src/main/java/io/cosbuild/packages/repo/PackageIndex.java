package io.cosbuild.packages.repo;

import io.cosbuild.packages.relation.Relation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The merged view of one architecture's Packages indexes from several suites and repositories.
 * The candidate of a name is its highest version (dpkg order); on equal versions the first source given wins,
 * as with apt at equal pin priorities.
 *
 * <p>Immutable and thread-safe.
 */
public final class PackageIndex {
    /** A candidate package providing a name, with the provided version (null when unversioned). */
    public record Provider(PackageRecord pkg, Relation provide) {
    }

    private final String arch;
    private final Map<String, PackageRecord> candidates;
    private final Map<String, List<Provider>> providers;
    private final List<IndexDigest> digests;
    private final List<String> signers;
    private final String keyringSha256;

    /**
     * @param arch     the Debian architecture ({@code amd64}, {@code arm64})
     * @param records  all records in source precedence order (earlier wins ties)
     * @param digests  digests of the index files read
     * @param signers  fingerprints of the keys that signed them
     * @param keyringSha256 SHA-256 of the keyring used, or empty
     */
    public PackageIndex(String arch, Collection<PackageRecord> records, List<IndexDigest> digests,
                        List<String> signers, String keyringSha256) {
        this.arch = arch;
        Map<String, PackageRecord> c = new HashMap<>();
        for (PackageRecord r : records) {
            if (!r.architecture().equals(arch) && !r.architecture().equals("all")) {
                continue;
            }
            PackageRecord old = c.get(r.name());
            if (old == null || r.version().compareTo(old.version()) > 0) {
                c.put(r.name(), r);
            }
        }
        Map<String, List<Provider>> p = new HashMap<>();
        for (PackageRecord r : c.values()) {
            for (Relation prov : r.provides()) {
                p.computeIfAbsent(prov.name(), k -> new ArrayList<>()).add(new Provider(r, prov));
            }
        }
        p.values().forEach(l -> l.sort((a, b) -> a.pkg().name().compareTo(b.pkg().name())));
        p.replaceAll((k, v) -> List.copyOf(v));
        this.candidates = Map.copyOf(c);
        this.providers = Map.copyOf(p);
        this.digests = List.copyOf(new TreeSet<>(digests));
        this.signers = List.copyOf(new TreeSet<>(signers));
        this.keyringSha256 = keyringSha256;
    }

    /** The Debian architecture. */
    public String arch() {
        return arch;
    }

    /** The candidate version of a real package. */
    public Optional<PackageRecord> candidate(String name) {
        return Optional.ofNullable(candidates.get(name));
    }

    /** Candidate packages that provide {@code name}, sorted by package name. */
    public List<Provider> providers(String name) {
        return providers.getOrDefault(name, List.of());
    }

    /** Number of distinct package names with a candidate. */
    public int size() {
        return candidates.size();
    }

    /** All candidates (unordered). */
    public Collection<PackageRecord> candidates() {
        return candidates.values();
    }

    /** Digests of the index files, sorted. */
    public List<IndexDigest> digests() {
        return digests;
    }

    /** Fingerprints of the keys that signed the indexes, sorted. */
    public List<String> signers() {
        return signers;
    }

    /** SHA-256 of the keyring the signatures were checked with. */
    public String keyringSha256() {
        return keyringSha256;
    }
}

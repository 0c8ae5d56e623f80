package io.cosbuild.packages.resolve;

import io.cosbuild.packages.ResolutionException;
import io.cosbuild.packages.relation.Relation;
import io.cosbuild.packages.relation.RelationGroup;
import io.cosbuild.packages.relation.VersionOp;
import io.cosbuild.packages.repo.PackageIndex;
import io.cosbuild.packages.repo.PackageRecord;
import io.cosbuild.packages.version.DebianVersion;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Computes the dependency closure of a {@link ResolveRequest} over a {@link PackageIndex}, choosing as apt does
 * when it installs into an empty system, so that our closure equals
 * {@code apt-get install --no-install-recommends} on the same index.
 *
 * <p>Choice rules (documented in docs/packages.md):
 * <ol>
 *   <li>Only candidates are considered: the highest version of each name across all suites.</li>
 *   <li>All included packages (plus every {@code Essential: yes} package when the request asks for the Essential
 *       set) are marked first; then each, in name order, has its dependencies installed
 *       depth-first: {@code Pre-Depends}, then {@code Depends} (then {@code Recommends} when asked), in field
 *       order.</li>
 *   <li>A dependency already satisfied by a marked package (by name and version, or by a matching
 *       {@code Provides}) needs nothing.</li>
 *   <li>Otherwise the alternatives are tried in the order written. For each alternative the possible packages are
 *       the real package (if its candidate satisfies the version) and the providers (versioned {@code Provides}
 *       for versioned dependencies), ordered: included packages first, the real package before providers,
 *       {@code Essential: yes} first, {@code Important/Protected: yes} first, higher {@code Priority} first, then by
 *       name.</li>
 *   <li>The first possible package that can be installed wins. It cannot be installed if it is excluded or
 *       denied, if it {@code Conflicts}/{@code Breaks} with a marked package or a marked package conflicts with
 *       it, or if one of its own dependencies cannot be satisfied; then everything marked for it is undone and the
 *       next possibility is tried.</li>
 *   <li>{@code :any} is satisfied only by {@code Multi-Arch: allowed} packages; a qualifier naming the target
 *       architecture (or {@code native}) is ignored; {@code Architecture: all} packages count as the target
 *       architecture.</li>
 * </ol>
 *
 * <p>Stateless; each {@link #resolve} call is independent and thread-safe.
 */
public final class Resolver {
    private static final int MAX_STEPS = 2_000_000;

    private final PackageIndex index;
    private final boolean partialIndex;

    public Resolver(PackageIndex index) {
        this(index, false);
    }

    /**
     * @param partialIndex the index holds only the packages of an earlier resolution (a lock), so an excluded
     *                     package and its {@code Provides} are missing from it: a dependency that nothing in the
     *                     index satisfies is then dropped when one of its alternatives names an excluded package,
     *                     as the full resolution may have dropped it (e.g. {@code initramfs-tools |
     *                     linux-initramfs-tool} with every provider excluded)
     */
    public Resolver(PackageIndex index, boolean partialIndex) {
        this.index = index;
        this.partialIndex = partialIndex;
    }

    /**
     * Resolves a request.
     *
     * @throws ResolutionException when an included package is unknown, a dependency cannot be satisfied, or a
     *                             denied package is needed; the message names the package and the chain
     */
    public Resolution resolve(ResolveRequest request) throws ResolutionException {
        return new Run(request).run();
    }

    private final class Run {
        final ResolveRequest req;
        final LinkedHashMap<String, PackageRecord> marked = new LinkedHashMap<>();
        final Map<String, String> parent = new HashMap<>();
        final Set<String> includeNames;
        final Set<String> dropped = new TreeSet<>();
        final Map<String, List<Dep>> depsCache = new HashMap<>();
        final Map<String, List<Relation>> negCache = new HashMap<>();
        /** Name -> marked packages declaring Conflicts/Breaks on that name (checked against newcomers). */
        final Map<String, List<PackageRecord>> conflictsOn = new HashMap<>();
        Failure failure;
        int steps;

        Run(ResolveRequest req) {
            this.req = req;
            this.includeNames = new HashSet<>(req.includes());
        }

        Resolution run() throws ResolutionException {
            if (!req.arch().equals(index.arch())) {
                throw new IllegalArgumentException("request for " + req.arch() + " on an index of " + index.arch());
            }
            List<PackageRecord> roots = new ArrayList<>();
            TreeSet<String> rootNames = new TreeSet<>(req.includes());
            if (req.withEssential()) {
                for (PackageRecord p : index.candidates()) {
                    if (p.essential() && !req.excludes().contains(p.name())) {
                        if (req.deny().contains(p.name())) {
                            throw new ResolutionException("denied package " + p.name() + " is Essential and the "
                                    + "request asks for the Essential set", List.of(req.origin(), p.name()));
                        }
                        rootNames.add(p.name());
                    }
                }
                includeNames.addAll(rootNames);
            }
            for (String name : rootNames) {
                PackageRecord p = index.candidate(name).orElse(null);
                if (p == null) {
                    List<PackageIndex.Provider> prov = index.providers(name);
                    if (prov.size() == 1) {
                        p = prov.get(0).pkg();
                    } else if (prov.isEmpty()) {
                        throw new ResolutionException("package '" + name + "' is not in the index for " + req.arch()
                                + "; check the name and the suites/components", List.of(req.origin(), name));
                    } else {
                        throw new ResolutionException("'" + name + "' is a virtual package provided by "
                                + prov.stream().map(x -> x.pkg().name()).toList() + "; include one of them",
                                List.of(req.origin(), name));
                    }
                }
                if (marked.containsKey(p.name())) {
                    continue;
                }
                String clash = conflictWithMarked(p);
                if (clash != null) {
                    throw new ResolutionException("included packages conflict: " + p.name() + " and " + clash,
                            List.of(req.origin(), p.name()));
                }
                mark(p);
                parent.put(p.name(), req.origin());
                roots.add(p);
            }
            for (PackageRecord p : roots) {
                failure = null;
                if (!installDependencies(p)) {
                    throw failure != null ? failure.exception() : new ResolutionException(
                            "cannot install " + p.name(), chain(p.name()));
                }
            }
            List<ResolvedPackage> out = new ArrayList<>();
            marked.values().stream().sorted(Comparator.comparing(PackageRecord::name))
                    .forEach(p -> out.add(new ResolvedPackage(p, chain(p.name()))));
            return new Resolution(req, out, List.copyOf(dropped), index);
        }

        /** Marks {@code p} (already decided) and its dependencies; false when some critical one fails. */
        boolean installDependencies(PackageRecord p) throws ResolutionException {
            for (Dep dep : positiveDeps(p)) {
                RelationGroup g = dep.group();
                boolean critical = dep.critical();
                if (satisfied(g)) {
                    continue;
                }
                List<PackageRecord> solutions = solutions(g);
                List<PackageRecord> allowed = new ArrayList<>();
                List<Failure> reasons = new ArrayList<>();
                for (PackageRecord s : solutions) {
                    if (req.excludes().contains(s.name())) {
                        continue;
                    }
                    if (req.deny().contains(s.name())) {
                        reasons.add(new Failure(true, "denied package " + s.name() + " is required: " + p.name() + " "
                                + p.versionString() + " depends on '" + g + "'", chainPlus(p.name(), s.name())));
                        continue;
                    }
                    allowed.add(s);
                }
                boolean onlyExcluded = reasons.isEmpty() && allowed.isEmpty() && (!solutions.isEmpty()
                        || g.alternatives().stream().allMatch(r -> req.excludes().contains(r.name()))
                        || partialIndex && g.alternatives().stream().anyMatch(r -> req.excludes().contains(r.name())));
                if (onlyExcluded) {
                    dropped.add(p.name() + ": " + g);
                    continue;
                }
                boolean ok = false;
                for (PackageRecord s : allowed) {
                    failure = null;
                    if (tryInstall(s, p)) {
                        ok = true;
                        break;
                    }
                    if (failure != null) {
                        reasons.add(failure);
                    }
                }
                failure = null;
                if (!ok) {
                    if (!critical) {
                        continue;
                    }
                    if (solutions.isEmpty()) {
                        failure = new Failure(false, "unsatisfiable dependency: " + p.name() + " " + p.versionString()
                                + " needs '" + g + "', " + whyNoSolution(g), chainPlus(p.name(), null));
                    } else {
                        failure = combine(reasons);
                    }
                    return false;
                }
            }
            return true;
        }

        void mark(PackageRecord p) {
            marked.put(p.name(), p);
            for (Relation r : negativeDeps(p)) {
                conflictsOn.computeIfAbsent(r.name(), k -> new ArrayList<>()).add(p);
            }
        }

        void unmark(PackageRecord p) {
            marked.remove(p.name());
            for (Relation r : negativeDeps(p)) {
                List<PackageRecord> l = conflictsOn.get(r.name());
                if (l != null) {
                    l.remove(p);
                }
            }
        }

        boolean tryInstall(PackageRecord s, PackageRecord from) throws ResolutionException {
            if (++steps > MAX_STEPS) {
                throw new ResolutionException("resolution too complex (more than " + MAX_STEPS + " steps)",
                        chainPlus(from.name(), s.name()));
            }
            PackageRecord already = marked.get(s.name());
            if (already != null) {
                return already == s;
            }
            String clash = conflictWithMarked(s);
            if (clash != null) {
                failure = new Failure(false, s.name() + " " + s.versionString() + " (needed by " + from.name()
                        + ") conflicts with " + clash, chainPlus(from.name(), s.name()));
                return false;
            }
            List<String> snapshot = new ArrayList<>(marked.keySet());
            Set<String> droppedBefore = new TreeSet<>(dropped);
            mark(s);
            parent.put(s.name(), from.name());
            if (installDependencies(s)) {
                return true;
            }
            // Undo everything marked since the snapshot.
            Set<String> keep = new HashSet<>(snapshot);
            for (PackageRecord gone : List.copyOf(marked.values())) {
                if (!keep.contains(gone.name())) {
                    unmark(gone);
                }
            }
            parent.keySet().removeIf(n -> !keep.contains(n));
            dropped.retainAll(droppedBefore);
            return false;
        }

        /** One failure for a group whose alternatives all failed: a denied package wins, else all reasons. */
        Failure combine(List<Failure> reasons) {
            for (Failure f : reasons) {
                if (f.denied()) {
                    return f;
                }
            }
            if (reasons.size() == 1) {
                return reasons.get(0);
            }
            StringBuilder sb = new StringBuilder();
            for (Failure f : reasons) {
                sb.append(sb.length() == 0 ? "" : "; or ").append(f.message());
            }
            return new Failure(false, sb.toString(), reasons.get(0).chain());
        }

        String whyNoSolution(RelationGroup g) {
            List<String> why = new ArrayList<>();
            for (Relation r : g.alternatives()) {
                PackageRecord c = index.candidate(r.name()).orElse(null);
                if (c == null && index.providers(r.name()).isEmpty()) {
                    why.add("no package " + r.name() + " in the index");
                } else if (c != null) {
                    why.add(r.name() + " " + c.versionString() + " does not satisfy it");
                } else {
                    why.add("no provider of " + r.name() + " satisfies it");
                }
            }
            return String.join("; ", why);
        }

        /** Pre-Depends, Depends (critical) and, when asked, Recommends (not critical), in that order. */
        List<Dep> positiveDeps(PackageRecord p) {
            return depsCache.computeIfAbsent(p.name() + " " + p.versionString(), k -> {
                List<Dep> l = new ArrayList<>();
                p.relations("Pre-Depends").forEach(g -> l.add(new Dep(g, true)));
                p.relations("Depends").forEach(g -> l.add(new Dep(g, true)));
                if (req.withRecommends()) {
                    p.relations("Recommends").forEach(g -> l.add(new Dep(g, false)));
                }
                l.removeIf(d -> d.group().alternatives().stream().noneMatch(r -> r.appliesTo(req.arch())));
                return l;
            });
        }

        List<Relation> negativeDeps(PackageRecord p) {
            return negCache.computeIfAbsent(p.name() + " " + p.versionString(), k -> {
                List<Relation> l = new ArrayList<>();
                for (String f : List.of("Conflicts", "Breaks")) {
                    for (RelationGroup g : p.relations(f)) {
                        l.addAll(g.alternatives());
                    }
                }
                return l;
            });
        }

        boolean satisfied(RelationGroup g) {
            for (Relation r : g.alternatives()) {
                if (!r.appliesTo(req.arch()) || !qualifierPossible(r)) {
                    continue;
                }
                PackageRecord m = marked.get(r.name());
                if (m != null && matchesReal(r, m)) {
                    return true;
                }
                for (PackageIndex.Provider pv : index.providers(r.name())) {
                    if (marked.get(pv.pkg().name()) == pv.pkg() && matchesProvide(r, pv)) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** Possible packages for a group, in apt's order. */
        List<PackageRecord> solutions(RelationGroup g) {
            List<PackageRecord> out = new ArrayList<>();
            for (Relation r : g.alternatives()) {
                if (!r.appliesTo(req.arch()) || !qualifierPossible(r)) {
                    continue;
                }
                List<PackageRecord> alt = new ArrayList<>();
                index.candidate(r.name()).filter(c -> matchesReal(r, c)).ifPresent(alt::add);
                for (PackageIndex.Provider pv : index.providers(r.name())) {
                    if (matchesProvide(r, pv) && !alt.contains(pv.pkg())) {
                        alt.add(pv.pkg());
                    }
                }
                alt.sort(providerOrder(r.name()));
                for (PackageRecord p : alt) {
                    if (!out.contains(p)) {
                        out.add(p);
                    }
                }
            }
            return out;
        }

        Comparator<PackageRecord> providerOrder(String target) {
            return Comparator.<PackageRecord, Boolean>comparing(p -> !includeNames.contains(p.name()))
                    .thenComparing(p -> !p.name().equals(target))
                    .thenComparing(p -> !p.essential())
                    .thenComparing(p -> !p.important())
                    .thenComparingInt(PackageRecord::priorityRank)
                    .thenComparing(PackageRecord::name);
        }

        boolean qualifierPossible(Relation r) {
            String q = r.archQualifier();
            return q == null || q.equals("any") || q.equals("native") || q.equals(req.arch());
        }

        boolean matchesReal(Relation r, PackageRecord p) {
            if ("any".equals(r.archQualifier()) && !"allowed".equals(p.multiArch())) {
                return false;
            }
            return r.versionMatches(p.version());
        }

        boolean matchesProvide(Relation r, PackageIndex.Provider pv) {
            if ("any".equals(r.archQualifier()) && !"allowed".equals(pv.pkg().multiArch())) {
                return false;
            }
            if (r.op() == null) {
                return true;
            }
            DebianVersion provided = pv.provide().op() == VersionOp.EQ ? pv.provide().version() : null;
            return provided != null && r.versionMatches(provided);
        }

        /** The marked package {@code p} clashes with (either direction), or null. */
        String conflictWithMarked(PackageRecord p) {
            for (Relation r : negativeDeps(p)) {
                PackageRecord m = marked.get(r.name());
                if (m != null && m != p && r.versionMatches(m.version())) {
                    return m.name() + " " + m.versionString() + " (" + p.name() + " declares Conflicts/Breaks: " + r + ")";
                }
                for (PackageIndex.Provider pv : index.providers(r.name())) {
                    if (pv.pkg() != p && marked.get(pv.pkg().name()) == pv.pkg()
                            && (r.op() == null || (pv.provide().version() != null
                            && r.versionMatches(pv.provide().version())))) {
                        return pv.pkg().name() + " (provides " + r.name() + "; " + p.name() + " declares Conflicts/Breaks: "
                                + r + ")";
                    }
                }
            }
            List<String> names = new ArrayList<>();
            names.add(p.name());
            p.provides().forEach(x -> names.add(x.name()));
            for (String n : new java.util.LinkedHashSet<>(names)) {
                for (PackageRecord m : conflictsOn.getOrDefault(n, List.of())) {
                    if (m == p) {
                        continue;
                    }
                    for (Relation r : negativeDeps(m)) {
                        if (!r.name().equals(n)) {
                            continue;
                        }
                        boolean hit = n.equals(p.name()) && r.versionMatches(p.version());
                        if (!hit) {
                            for (Relation prov : p.provides()) {
                                if (prov.name().equals(n)
                                        && (r.op() == null || (prov.version() != null && r.versionMatches(prov.version())))) {
                                    hit = true;
                                    break;
                                }
                            }
                        }
                        if (hit) {
                            return m.name() + " " + m.versionString() + " (which declares Conflicts/Breaks: " + r + ")";
                        }
                    }
                }
            }
            return null;
        }

        List<String> chain(String name) {
            List<String> c = new ArrayList<>();
            String n = name;
            Set<String> seen = new HashSet<>();
            while (n != null && seen.add(n)) {
                c.add(0, n);
                if (n.equals(req.origin()) && !marked.containsKey(n)) {
                    break;
                }
                n = parent.get(n);
            }
            return c;
        }

        List<String> chainPlus(String from, String last) {
            List<String> c = chain(from);
            if (last != null) {
                c.add(last);
            }
            return c;
        }
    }

    /** A dependency group and whether failing it fails the package. */
    private record Dep(RelationGroup group, boolean critical) {
    }

    private record Failure(boolean denied, String message, List<String> chain) {
        ResolutionException exception() {
            return new ResolutionException(message + " (chain: " + String.join(" -> ", chain) + ")", chain);
        }
    }
}

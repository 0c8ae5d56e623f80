package io.cosbuild.packages.resolve;

import io.cosbuild.packages.relation.Relation;
import io.cosbuild.packages.relation.RelationGroup;
import io.cosbuild.packages.repo.PackageRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A deterministic unpack/configure order for a resolution: every package comes after the packages of the closure
 * that satisfy its {@code Pre-Depends} and {@code Depends}; among packages that are ready at the same time the
 * (smallest) name decides. The packages of a dependency cycle (they exist in Debian, e.g. libc6 and
 * libgcc-s1) are placed together, by name, once everything the cycle depends on is placed.
 *
 * <p>Stateless and thread-safe.
 */
public final class InstallOrder {
    private InstallOrder() {
    }

    /** The packages of {@code r} in install order. */
    public static List<ResolvedPackage> of(Resolution r) {
        Map<String, ResolvedPackage> byName = new TreeMap<>();
        Map<String, List<String>> provides = new HashMap<>();
        for (ResolvedPackage p : r.packages()) {
            byName.put(p.pkg().name(), p);
            for (Relation prov : p.pkg().provides()) {
                provides.computeIfAbsent(prov.name(), k -> new ArrayList<>()).add(p.pkg().name());
            }
        }
        Map<String, Set<String>> deps = new HashMap<>();
        for (ResolvedPackage p : r.packages()) {
            Set<String> d = new TreeSet<>();
            List<RelationGroup> groups = new ArrayList<>(p.pkg().relations("Pre-Depends"));
            groups.addAll(p.pkg().relations("Depends"));
            for (RelationGroup g : groups) {
                String sat = satisfier(g, byName, provides);
                if (sat != null && !sat.equals(p.pkg().name())) {
                    d.add(sat);
                }
            }
            deps.put(p.pkg().name(), d);
        }
        // Strongly connected components (dependency cycles), then Kahn's algorithm on the component graph.
        Map<String, Integer> comp = components(byName.keySet(), deps);
        Map<Integer, TreeSet<String>> members = new TreeMap<>();
        comp.forEach((n, c) -> members.computeIfAbsent(c, k -> new TreeSet<>()).add(n));
        Map<Integer, Set<Integer>> waitsFor = new HashMap<>();
        Map<Integer, Set<Integer>> unblocks = new HashMap<>();
        for (Map.Entry<String, Set<String>> e : deps.entrySet()) {
            int c = comp.get(e.getKey());
            for (String d : e.getValue()) {
                int dc = comp.get(d);
                if (dc != c) {
                    waitsFor.computeIfAbsent(c, k -> new HashSet<>()).add(dc);
                    unblocks.computeIfAbsent(dc, k -> new HashSet<>()).add(c);
                }
            }
        }
        TreeMap<String, Integer> ready = new TreeMap<>();
        for (Map.Entry<Integer, TreeSet<String>> e : members.entrySet()) {
            if (waitsFor.getOrDefault(e.getKey(), Set.of()).isEmpty()) {
                ready.put(e.getValue().first(), e.getKey());
            }
        }
        List<ResolvedPackage> out = new ArrayList<>();
        while (!ready.isEmpty()) {
            int c = ready.pollFirstEntry().getValue();
            for (String n : members.get(c)) {
                out.add(byName.get(n));
            }
            for (int next : unblocks.getOrDefault(c, Set.of())) {
                Set<Integer> w = waitsFor.get(next);
                w.remove(c);
                if (w.isEmpty()) {
                    ready.put(members.get(next).first(), next);
                }
            }
        }
        return out;
    }

    /** Tarjan's algorithm (iterative): node name to component number. */
    private static Map<String, Integer> components(Set<String> nodes, Map<String, Set<String>> edges) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Map<String, Integer> comp = new HashMap<>();
        java.util.ArrayDeque<String> stack = new java.util.ArrayDeque<>();
        Set<String> onStack = new HashSet<>();
        int[] counter = {0};
        int[] comps = {0};
        for (String root : nodes) {
            if (index.containsKey(root)) {
                continue;
            }
            java.util.ArrayDeque<Object[]> work = new java.util.ArrayDeque<>();
            work.push(new Object[] {root, new ArrayList<>(edges.get(root)).iterator()});
            index.put(root, counter[0]);
            low.put(root, counter[0]++);
            stack.push(root);
            onStack.add(root);
            while (!work.isEmpty()) {
                Object[] frame = work.peek();
                String v = (String) frame[0];
                @SuppressWarnings("unchecked")
                java.util.Iterator<String> it = (java.util.Iterator<String>) frame[1];
                if (it.hasNext()) {
                    String w = it.next();
                    if (!index.containsKey(w)) {
                        index.put(w, counter[0]);
                        low.put(w, counter[0]++);
                        stack.push(w);
                        onStack.add(w);
                        work.push(new Object[] {w, new ArrayList<>(edges.get(w)).iterator()});
                    } else if (onStack.contains(w)) {
                        low.put(v, Math.min(low.get(v), index.get(w)));
                    }
                } else {
                    work.pop();
                    if (!work.isEmpty()) {
                        String parent = (String) work.peek()[0];
                        low.put(parent, Math.min(low.get(parent), low.get(v)));
                    }
                    if (low.get(v).equals(index.get(v))) {
                        String w;
                        do {
                            w = stack.pop();
                            onStack.remove(w);
                            comp.put(w, comps[0]);
                        } while (!w.equals(v));
                        comps[0]++;
                    }
                }
            }
        }
        return comp;
    }

    private static String satisfier(RelationGroup g, Map<String, ResolvedPackage> byName,
                                    Map<String, List<String>> provides) {
        for (Relation r : g.alternatives()) {
            ResolvedPackage real = byName.get(r.name());
            if (real != null && r.versionMatches(real.pkg().version())) {
                return r.name();
            }
            for (String prov : provides.getOrDefault(r.name(), List.of())) {
                PackageRecord p = byName.get(prov).pkg();
                for (Relation x : p.provides()) {
                    if (x.name().equals(r.name()) && (r.op() == null
                            || (x.version() != null && r.versionMatches(x.version())))) {
                        return prov;
                    }
                }
            }
        }
        return null;
    }
}

package io.cosbuild.packages.lock;

import io.cosbuild.packages.PackagesException;
import io.cosbuild.packages.ResolutionException;
import io.cosbuild.packages.deb822.Paragraph;
import io.cosbuild.packages.repo.PackageIndex;
import io.cosbuild.packages.repo.PackageRecord;
import io.cosbuild.packages.resolve.ResolveRequest;
import io.cosbuild.packages.resolve.Resolver;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a lock file's packages, once fetched, against what the lock claims. A lock is plain text: its
 * request digest says which request it was written for, not that its package list satisfies it, and
 * only the SHA-256 of each entry is checked by the download. So the name, version and architecture of
 * each entry must be the {@code .deb}'s own control fields, and the set must satisfy the request the
 * way the {@link Resolver} would: every include present, nothing excluded or denied, every
 * {@code Pre-Depends}/{@code Depends} met within the set. Stateless.
 */
public final class LockCheck {

    private LockCheck() {
    }

    /** Fails when {@code p}'s name, version or architecture is not what its {@code .deb}'s control file says. */
    public static void requireIdentity(LockedPackage p, Map<String, String> control) throws PackagesException {
        List<String> wrong = new ArrayList<>();
        compare(wrong, "Package", p.name(), control);
        compare(wrong, "Version", p.version(), control);
        compare(wrong, "Architecture", p.arch(), control);
        if (!wrong.isEmpty()) {
            throw new PackagesException("lock entry " + p.name() + " " + p.version() + " (" + p.arch() + ") is not the package "
                    + p.filename() + " with its SHA-256: " + String.join(", ", wrong)
                    + "; the lock file was edited or is corrupt");
        }
    }

    private static void compare(List<String> wrong, String field, String locked, Map<String, String> control) {
        String actual = control.get(field);
        actual = actual == null ? null : actual.strip();
        if (!locked.equals(actual)) {
            wrong.add("the lock says " + field.toLowerCase(java.util.Locale.ROOT) + " '" + locked + "', the .deb says "
                    + (actual == null ? "nothing" : "'" + actual + "'"));
        }
    }

    /**
     * Fails when the packages of {@code lock} do not satisfy {@code request}. The dependency check is the
     * resolver's, run over an index holding only the locked packages: what it cannot find there the lock
     * lacks. As in a resolution, a dependency that only excluded packages could satisfy is dropped; without
     * the archive's index that is taken to be any dependency nothing locked satisfies and one of whose
     * alternatives is excluded (see {@link Resolver#Resolver(PackageIndex, boolean)}).
     * Not checked: that every {@code Essential: yes} package of the archive is present (that needs the
     * index the lock exists to avoid).
     *
     * @param control the control fields of each locked package, from its verified {@code .deb}
     * @param what    names the lock (and the set in it) in the message
     */
    public static void requireSatisfies(LockFile lock, ResolveRequest request, Map<LockedPackage, Map<String, String>> control,
                                        String what) throws PackagesException {
        List<String> problems = new ArrayList<>();
        List<PackageRecord> records = new ArrayList<>();
        for (LockedPackage p : lock.packages()) {
            if (request.excludes().contains(p.name())) {
                problems.add("it lists " + p.name() + ", which the request excludes");
            }
            if (request.deny().contains(p.name())) {
                problems.add("it lists " + p.name() + ", which the request denies");
            }
            records.add(record(p, control.get(p)));
        }
        PackageIndex index = new PackageIndex(lock.arch(), records, List.of(), List.of(), "");
        for (String include : request.includes()) {
            if (index.candidate(include).isEmpty() && index.providers(include).isEmpty()) {
                problems.add("it does not list " + include + ", which the request includes");
            }
        }
        if (problems.isEmpty()) {
            try {
                new Resolver(index, true).resolve(request);
            } catch (ResolutionException e) {
                problems.add("its packages are not a closure: " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new PackagesException(what + " does not satisfy the package request " + request.origin() + ": "
                    + String.join("; ", problems));
        }
    }

    /** An index record of a locked package: its control fields plus where the lock says it lives. */
    private static PackageRecord record(LockedPackage p, Map<String, String> control) {
        if (control == null) {
            throw new IllegalArgumentException("no control fields for " + p.name());
        }
        Map<String, String> fields = new LinkedHashMap<>(control);
        fields.put("Filename", p.filename());
        fields.put("Size", Long.toString(p.size()));
        fields.put("SHA256", p.sha256());
        return PackageRecord.of(new Paragraph(fields), URI.create("lock:/"), p.suite());
    }
}

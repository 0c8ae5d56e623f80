package io.cosbuild.packages.relation;

import io.cosbuild.packages.version.DebianVersion;
import java.util.List;
import java.util.Objects;

/**
 * One alternative of a package relation: {@code name[:archqual] [(op version)] [[arch list]]}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name          the package (or virtual package) name
 * @param archQualifier {@code any}, {@code native} or an architecture; null when absent
 * @param op            the version operator; null when unversioned
 * @param version       the version; null exactly when {@code op} is null
 * @param archList      the {@code [...]} architecture restriction (entries may start with {@code !}); empty when absent
 */
public record Relation(String name, String archQualifier, VersionOp op, DebianVersion version, List<String> archList) {

    public Relation {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty package name in relation");
        }
        if ((op == null) != (version == null)) {
            throw new IllegalArgumentException("relation on " + name + ": operator and version go together");
        }
        archList = List.copyOf(archList);
    }

    /** An unversioned, unqualified relation. */
    public static Relation of(String name) {
        return new Relation(name, null, null, null, List.of());
    }

    /** Whether {@code candidate} satisfies this relation's version constraint (always true when unversioned). */
    public boolean versionMatches(DebianVersion candidate) {
        return op == null || (candidate != null && op.test(candidate.compareTo(version)));
    }

    /** Whether this relation applies on {@code arch} according to its {@code [...]} list. */
    public boolean appliesTo(String arch) {
        if (archList.isEmpty()) {
            return true;
        }
        boolean negated = archList.get(0).startsWith("!");
        for (String a : archList) {
            String x = a.startsWith("!") ? a.substring(1) : a;
            if (x.equals(arch) || x.equals("any") || x.equals("linux-any") || x.equals("linux-" + arch)) {
                return !negated;
            }
        }
        return negated;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name);
        if (archQualifier != null) {
            sb.append(':').append(archQualifier);
        }
        if (op != null) {
            sb.append(" (").append(op.symbol()).append(' ').append(version).append(')');
        }
        if (!archList.isEmpty()) {
            sb.append(" [").append(String.join(" ", archList)).append(']');
        }
        return sb.toString();
    }
}

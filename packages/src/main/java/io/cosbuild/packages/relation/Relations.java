package io.cosbuild.packages.relation;

import io.cosbuild.packages.version.DebianVersion;
import java.util.ArrayList;
import java.util.List;

/** Parses relation fields ({@code Depends}, {@code Provides}, ...). Stateless and thread-safe. */
public final class Relations {
    private Relations() {
    }

    /**
     * Parses a relation field value into its comma-separated groups. Build-profile restrictions
     * ({@code <...>}) are dropped: they do not occur in binary package indexes.
     *
     * @throws IllegalArgumentException naming the field text when it is malformed
     */
    public static List<RelationGroup> parse(String field) {
        List<RelationGroup> groups = new ArrayList<>();
        if (field == null || field.isBlank()) {
            return groups;
        }
        for (String group : field.split(",")) {
            if (group.isBlank()) {
                continue; // dpkg tolerates a trailing comma
            }
            List<Relation> alts = new ArrayList<>();
            for (String alt : group.split("\\|")) {
                alts.add(parseOne(alt.strip(), field));
            }
            groups.add(new RelationGroup(alts));
        }
        return groups;
    }

    private static Relation parseOne(String s, String field) {
        try {
            while (s.endsWith(">")) { // build-profile restriction formulas come last
                int lt = s.lastIndexOf('<');
                if (lt < 0) {
                    throw new IllegalArgumentException("unbalanced '>'");
                }
                s = s.substring(0, lt).strip();
            }
            List<String> archs = List.of();
            int br = s.indexOf('[');
            if (br >= 0) {
                int end = s.indexOf(']', br);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed '['");
                }
                archs = List.of(s.substring(br + 1, end).strip().split("\\s+"));
                s = (s.substring(0, br) + s.substring(end + 1)).strip();
            }
            VersionOp op = null;
            DebianVersion version = null;
            int open = s.indexOf('(');
            if (open >= 0) {
                int close = s.indexOf(')', open);
                if (close < 0) {
                    throw new IllegalArgumentException("unclosed '('");
                }
                String inner = s.substring(open + 1, close).strip();
                int i = 0;
                while (i < inner.length() && "<=>".indexOf(inner.charAt(i)) >= 0) {
                    i++;
                }
                op = VersionOp.parse(inner.substring(0, i));
                version = DebianVersion.parse(inner.substring(i).strip());
                s = s.substring(0, open).strip();
            }
            String qualifier = null;
            int colon = s.indexOf(':');
            if (colon >= 0) {
                qualifier = s.substring(colon + 1).strip();
                s = s.substring(0, colon).strip();
            }
            if (s.isEmpty() || s.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("bad package name '" + s + "'");
            }
            return new Relation(s, qualifier, op, version, archs);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed relation '" + s + "' in '" + field + "': " + e.getMessage(), e);
        }
    }
}

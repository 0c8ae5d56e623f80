package io.cosbuild.packages.relation;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One comma-separated element of a relation field: alternatives separated by {@code |}, tried in order.
 *
 * <p>Immutable and thread-safe.
 */
public record RelationGroup(List<Relation> alternatives) {
    public RelationGroup {
        alternatives = List.copyOf(alternatives);
        if (alternatives.isEmpty()) {
            throw new IllegalArgumentException("empty relation group");
        }
    }

    @Override
    public String toString() {
        return alternatives.stream().map(Relation::toString).collect(Collectors.joining(" | "));
    }
}

package io.cosbuild.packages.deb822;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One deb822 paragraph (a stanza of a Packages index, a Release file, a control file or a {@code .sources}
 * entry): field names are case-insensitive, values keep their continuation lines joined by {@code '\n'} with
 * the leading space of each continuation line removed.
 *
 * <p>Stored as two small arrays (a whole Packages index holds tens of thousands of these); lookups scan them.
 * Immutable and thread-safe.
 */
public final class Paragraph {
    private final String[] names;
    private final String[] values;

    /** Creates a paragraph from fields in their order of appearance. A repeated name keeps the last value. */
    public Paragraph(Map<String, String> fieldsInOrder) {
        String[] n = new String[fieldsInOrder.size()];
        String[] v = new String[fieldsInOrder.size()];
        int i = 0;
        for (Map.Entry<String, String> e : fieldsInOrder.entrySet()) {
            int at = indexOf(n, i, e.getKey());
            if (at >= 0) {
                v[at] = e.getValue();
            } else {
                n[i] = e.getKey();
                v[i] = e.getValue();
                i++;
            }
        }
        this.names = Arrays.copyOf(n, i);
        this.values = Arrays.copyOf(v, i);
    }

    private static int indexOf(String[] names, int count, String name) {
        for (int i = 0; i < count; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The value of a field, or empty. The first line is stripped; continuation lines follow after '\n'. */
    public Optional<String> get(String name) {
        int i = indexOf(names, names.length, name);
        return i < 0 ? Optional.empty() : Optional.of(values[i]);
    }

    /** The value of a field, or {@code fallback}. */
    public String get(String name, String fallback) {
        int i = indexOf(names, names.length, name);
        return i < 0 ? fallback : values[i];
    }

    /** Field names as written, in order. */
    public List<String> fieldNames() {
        return List.of(names);
    }

    /** The value of a field split on whitespace (for {@code Suites:}, {@code Components:}...). */
    public List<String> words(String name) {
        String v = get(name, null);
        if (v == null || v.isBlank()) {
            return List.of();
        }
        return List.of(v.strip().split("\\s+"));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            sb.append(names[i]).append(": ").append(values[i].replace("\n", "\n ")).append('\n');
        }
        return sb.toString();
    }
}

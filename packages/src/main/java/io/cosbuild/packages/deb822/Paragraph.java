package io.cosbuild.packages.deb822;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One deb822 paragraph (a stanza of a Packages index, a Release file, a control file or a {@code .sources}
 * entry): field names are case-insensitive, values keep their continuation lines joined by {@code '\n'} with
 * the leading space of each continuation line removed.
 *
 * <p>Immutable and thread-safe.
 */
public final class Paragraph {
    private final Map<String, String> fields;
    private final Map<String, String> names;

    /** Creates a paragraph from fields in their order of appearance. */
    public Paragraph(Map<String, String> fieldsInOrder) {
        Map<String, String> f = new LinkedHashMap<>();
        Map<String, String> n = new LinkedHashMap<>();
        fieldsInOrder.forEach((k, v) -> {
            String key = k.toLowerCase(Locale.ROOT);
            f.put(key, v);
            n.put(key, k);
        });
        this.fields = Collections.unmodifiableMap(f);
        this.names = Collections.unmodifiableMap(n);
    }

    /** The value of a field, or empty. The first line is stripped; continuation lines follow after '\n'. */
    public Optional<String> get(String name) {
        return Optional.ofNullable(fields.get(name.toLowerCase(Locale.ROOT)));
    }

    /** The value of a field, or {@code fallback}. */
    public String get(String name, String fallback) {
        return fields.getOrDefault(name.toLowerCase(Locale.ROOT), fallback);
    }

    /** Field names as written, in order. */
    public List<String> fieldNames() {
        return List.copyOf(names.values());
    }

    /** The value of a field split on whitespace (for {@code Suites:}, {@code Components:}...). */
    public List<String> words(String name) {
        String v = fields.get(name.toLowerCase(Locale.ROOT));
        if (v == null || v.isBlank()) {
            return List.of();
        }
        return List.of(v.strip().split("\\s+"));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        fields.forEach((k, v) -> sb.append(names.get(k)).append(": ").append(v.replace("\n", "\n ")).append('\n'));
        return sb.toString();
    }
}

package io.cosbuild.packages.repo;

import io.cosbuild.packages.deb822.Paragraph;
import io.cosbuild.packages.relation.Relation;
import io.cosbuild.packages.relation.RelationGroup;
import io.cosbuild.packages.relation.Relations;
import io.cosbuild.packages.version.DebianVersion;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * One binary package stanza of a {@code Packages} index, with where it came from.
 *
 * <p>Immutable and thread-safe. Relation fields are parsed when first asked for (most of an index is never
 * looked at), except {@code Provides}, which the index needs to find virtual packages.
 *
 * @param name          package name
 * @param versionString version exactly as the index writes it
 * @param version       parsed version
 * @param architecture  {@code amd64}, {@code arm64} or {@code all}
 * @param multiArch     {@code same}, {@code foreign}, {@code allowed} or {@code no}
 * @param essential     {@code Essential: yes}
 * @param important     {@code Important: yes} or {@code Protected: yes}
 * @param priority      the {@code Priority} field, {@code optional} when absent
 * @param fields        the raw stanza
 * @param provides      parsed {@code Provides}
 * @param repository    base URI of the repository it came from
 * @param suite         the suite it came from
 * @param filename      {@code Filename}, relative to {@code repository}
 * @param size          {@code Size} of the .deb in bytes
 * @param sha256        {@code SHA256} of the .deb, lower-case hex
 */
public record PackageRecord(String name, String versionString, DebianVersion version, String architecture,
                            String multiArch, boolean essential, boolean important, String priority,
                            Paragraph fields, List<Relation> provides, URI repository, String suite,
                            String filename, long size, String sha256) {

    public PackageRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        provides = List.copyOf(provides);
    }

    /**
     * Builds a record from a stanza.
     *
     * @throws IllegalArgumentException naming the package and field when the stanza is malformed
     */
    public static PackageRecord of(Paragraph p, URI repository, String suite) {
        return of(p, repository, suite, false);
    }

    private static final java.util.regex.Pattern SHA256_HEX = java.util.regex.Pattern.compile("[0-9a-fA-F]{64}");

    /** Fields kept by {@link #of(Paragraph, URI, String, boolean)} with {@code trim}. */
    public static final java.util.Set<String> KEPT_FIELDS = java.util.Set.of("Package", "Version", "Architecture",
            "Multi-Arch", "Essential", "Important", "Protected", "Priority", "Section", "Source", "Installed-Size",
            "Pre-Depends", "Depends", "Recommends", "Suggests", "Conflicts", "Breaks", "Replaces", "Provides",
            "Enhances", "Filename", "Size", "SHA256", "Built-Using", "Static-Built-Using");

    /**
     * Builds a record from a stanza; with {@code trim}, fields outside {@link #KEPT_FIELDS} (descriptions,
     * maintainers, tags, MD5 sums...) are dropped to keep a whole index small in memory.
     */
    public static PackageRecord of(Paragraph p, URI repository, String suite, boolean trim) {
        if (trim) {
            java.util.Map<String, String> kept = new java.util.LinkedHashMap<>();
            for (String f : p.fieldNames()) {
                if (KEPT_FIELDS.contains(f)) {
                    kept.put(f, p.get(f, ""));
                }
            }
            p = new Paragraph(kept);
        }
        String name = p.get("Package").orElseThrow(() -> new IllegalArgumentException("stanza without Package"));
        String v = p.get("Version").orElseThrow(() -> new IllegalArgumentException(name + ": no Version"));
        String sha = p.get("SHA256").orElseThrow(() -> new IllegalArgumentException(name + ": no SHA256"));
        if (!SHA256_HEX.matcher(sha).matches()) {
            throw new IllegalArgumentException(name + ": malformed SHA256 '" + sha + "'");
        }
        String filename = p.get("Filename").orElseThrow(() -> new IllegalArgumentException(name + ": no Filename"));
        if (filename.startsWith("/") || filename.contains("..")) {
            throw new IllegalArgumentException(name + ": unsafe Filename '" + filename + "'");
        }
        long size = Long.parseLong(p.get("Size", "0").strip());
        if (size < 0) {
            throw new IllegalArgumentException(name + ": negative Size");
        }
        List<Relation> provides = Relations.parse(p.get("Provides", "")).stream()
                .map(g -> g.alternatives().get(0)).toList();
        return new PackageRecord(name, v, DebianVersion.parse(v), p.get("Architecture", "all"),
                p.get("Multi-Arch", "no"), "yes".equalsIgnoreCase(p.get("Essential", "no")),
                "yes".equalsIgnoreCase(p.get("Important", "no")) || "yes".equalsIgnoreCase(p.get("Protected", "no")),
                p.get("Priority", "optional"), p, provides, repository, suite, filename, size, sha.toLowerCase());
    }

    /** Parsed relation field ({@code Depends}, {@code Pre-Depends}, {@code Conflicts}, ...); empty when absent. */
    public List<RelationGroup> relations(String field) {
        try {
            return Relations.parse(fields.get(field, ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " " + versionString + ": " + field + ": " + e.getMessage(), e);
        }
    }

    /** {@code Installed-Size} in KiB, 0 when absent. */
    public long installedSizeKiB() {
        return Long.parseLong(fields.get("Installed-Size", "0").strip());
    }

    /** The download URI of the .deb. */
    public URI uri() {
        return repository.resolve(filename);
    }

    /** apt's priority rank: lower is more important (required 1 ... extra 5). */
    public int priorityRank() {
        return switch (priority) {
            case "required" -> 1;
            case "important" -> 2;
            case "standard" -> 3;
            case "optional" -> 4;
            case "extra" -> 5;
            default -> 6;
        };
    }

    @Override
    public String toString() {
        return name + " " + versionString + " " + architecture;
    }
}

package io.cosbuild.packages.resolve;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What to resolve.
 *
 * <p>Immutable and thread-safe.
 *
 * @param origin         names the request in dependency chains (e.g. the profile name {@code gke})
 * @param includes       packages to install (real package names; a virtual name with exactly one provider is
 *                       accepted as that provider)
 * @param excludes       packages never to install: alternatives naming them are skipped, and a dependency that only
 *                       excluded packages could satisfy is dropped and reported in {@link Resolution#dropped()}
 * @param deny           packages that must not be in the closure: alternatives leading to them are avoided, and if
 *                       none is left the resolution fails with the chain that pulls the package in
 * @param arch           Debian architecture, {@code amd64} or {@code arm64} (see {@link #debianArch})
 * @param withRecommends also follow {@code Recommends} (off by default, like {@code --no-install-recommends})
 * @param withEssential  also install every {@code Essential: yes} package (bash, coreutils, dpkg, ...), as a
 *                       bootable system needs and as debootstrap does; apt installing into an empty status does
 *                       not, so this is off by default
 */
public record ResolveRequest(String origin, List<String> includes, List<String> excludes, List<String> deny,
                             String arch, boolean withRecommends, boolean withEssential) {

    public ResolveRequest {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(arch, "arch");
        includes = sorted(includes);
        excludes = sorted(excludes);
        deny = sorted(deny);
        if (includes.isEmpty()) {
            throw new IllegalArgumentException("nothing to resolve: the include list is empty");
        }
        for (String i : includes) {
            if (excludes.contains(i) || deny.contains(i)) {
                throw new IllegalArgumentException("package " + i + " is both included and excluded/denied");
            }
        }
        if (!arch.matches("[a-z0-9]+")) {
            throw new IllegalArgumentException("bad Debian architecture '" + arch + "'");
        }
    }

    /** A request without the Essential set. */
    public ResolveRequest(String origin, List<String> includes, List<String> excludes, List<String> deny, String arch,
                          boolean withRecommends) {
        this(origin, includes, excludes, deny, arch, withRecommends, false);
    }

    /** This request with or without the Essential set. */
    public ResolveRequest essential(boolean yes) {
        return new ResolveRequest(origin, includes, excludes, deny, arch, withRecommends, yes);
    }

    /** A request with no excludes or denies and without Recommends. */
    public static ResolveRequest of(String origin, List<String> includes, String arch) {
        return new ResolveRequest(origin, includes, List.of(), List.of(), arch, false);
    }

    /** Maps a user architecture ({@code x86_64}, {@code amd64}, {@code arm64}, {@code aarch64}) to Debian's name. */
    public static String debianArch(String arch) {
        return switch (arch.toLowerCase(Locale.ROOT)) {
            case "x86_64", "amd64", "x86-64" -> "amd64";
            case "arm64", "aarch64" -> "arm64";
            default -> throw new IllegalArgumentException("unsupported architecture '" + arch
                    + "'; use x86_64 or arm64");
        };
    }

    /** A canonical one-line text of the request (sorted lists), hashed into lock files to notice staleness. */
    public String canonical() {
        return "origin=" + origin + "\narch=" + arch + "\nincludes=" + String.join(",", includes)
                + "\nexcludes=" + String.join(",", excludes) + "\ndeny=" + String.join(",", deny)
                + "\nrecommends=" + withRecommends + (withEssential ? "\nessential=true" : "") + "\n";
    }

    private static List<String> sorted(List<String> l) {
        TreeSet<String> s = new TreeSet<>();
        for (String x : l) {
            String t = x.strip();
            if (!t.isEmpty()) {
                s.add(t);
            }
        }
        return List.copyOf(s);
    }
}

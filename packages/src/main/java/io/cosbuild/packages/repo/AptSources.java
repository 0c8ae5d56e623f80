package io.cosbuild.packages.repo;

import io.cosbuild.packages.InputException;
import io.cosbuild.packages.deb822.Deb822Exception;
import io.cosbuild.packages.deb822.Deb822Parser;
import io.cosbuild.packages.deb822.Paragraph;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads apt source definitions: deb822 {@code .sources} files and one-line {@code sources.list} files
 * (sources.list(5)). Only {@code deb} entries (binary packages) are kept; {@code deb-src} and disabled entries
 * are skipped. The repository URL therefore comes from the host's configuration, never from cosbuild itself.
 *
 * <p>Stateless and thread-safe.
 */
public final class AptSources {
    /** Environment variable that overrides the mirror base URL of the main Debian repository. */
    public static final String MIRROR_ENV = "COSBUILD_DEBIAN_MIRROR";

    private AptSources() {
    }

    /** The host's sources: {@code /etc/apt/sources.list} then {@code /etc/apt/sources.list.d/*} in name order. */
    public static List<Repository> fromHost() throws InputException {
        return fromDirectory(Path.of("/etc/apt"));
    }

    /** Sources under an apt configuration directory ({@code sources.list} and {@code sources.list.d/}). */
    public static List<Repository> fromDirectory(Path etcApt) throws InputException {
        List<Repository> out = new ArrayList<>();
        Path list = etcApt.resolve("sources.list");
        if (Files.isRegularFile(list)) {
            out.addAll(parseFile(list));
        }
        Path d = etcApt.resolve("sources.list.d");
        if (Files.isDirectory(d)) {
            try (Stream<Path> s = Files.list(d)) {
                for (Path p : s.sorted().toList()) {
                    String n = p.getFileName().toString();
                    if (n.endsWith(".sources") || n.endsWith(".list")) {
                        out.addAll(parseFile(p));
                    }
                }
            } catch (IOException e) {
                throw new InputException(d + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** Parses one {@code .sources} (deb822) or {@code .list} (one-line) file. */
    public static List<Repository> parseFile(Path file) throws InputException {
        try {
            String text = Files.readString(file);
            return file.getFileName().toString().endsWith(".sources")
                    ? parseDeb822(file.toString(), text) : parseOneLine(file.toString(), text);
        } catch (IOException e) {
            throw new InputException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses deb822 {@code .sources} text. */
    public static List<Repository> parseDeb822(String source, String text) throws InputException {
        List<Paragraph> ps;
        try {
            ps = Deb822Parser.parse(text);
        } catch (Deb822Exception e) {
            throw new InputException(source + ": " + e.getMessage(), e);
        }
        List<Repository> out = new ArrayList<>();
        for (Paragraph p : ps) {
            if (!p.words("Types").contains("deb") || "no".equalsIgnoreCase(p.get("Enabled", "yes"))) {
                continue;
            }
            Path keyring = p.get("Signed-By").map(String::strip)
                    .filter(s -> s.startsWith("/")).map(Path::of).orElse(Keyring.DEBIAN_ARCHIVE_KEYRING);
            for (String uri : p.words("URIs")) {
                try {
                    out.add(new Repository(URI.create(uri), p.words("Suites"), p.words("Components"), keyring));
                } catch (IllegalArgumentException e) {
                    throw new InputException(source + ": " + e.getMessage(), e);
                }
            }
        }
        return out;
    }

    /** Parses one-line {@code sources.list} text: {@code deb [options] URI suite component...}. */
    public static List<Repository> parseOneLine(String source, String text) throws InputException {
        List<Repository> out = new ArrayList<>();
        int lineNo = 0;
        for (String raw : text.split("\n")) {
            lineNo++;
            String line = raw.contains("#") ? raw.substring(0, raw.indexOf('#')) : raw;
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            Map<String, String> options = new LinkedHashMap<>();
            int open = line.indexOf('[');
            if (open >= 0) {
                int close = line.indexOf(']', open);
                if (close < 0) {
                    throw new InputException(source + ":" + lineNo + ": unclosed '[' in options");
                }
                for (String o : line.substring(open + 1, close).strip().split("\\s+")) {
                    int eq = o.indexOf('=');
                    if (eq > 0) {
                        options.put(o.substring(0, eq), o.substring(eq + 1));
                    }
                }
                line = (line.substring(0, open) + line.substring(close + 1)).strip();
            }
            String[] w = line.split("\\s+");
            if (!w[0].equals("deb")) {
                continue;
            }
            if (w.length < 4) {
                throw new InputException(source + ":" + lineNo + ": expected 'deb URI SUITE COMPONENT...'");
            }
            Path keyring = options.containsKey("signed-by") && options.get("signed-by").startsWith("/")
                    ? Path.of(options.get("signed-by")) : Keyring.DEBIAN_ARCHIVE_KEYRING;
            try {
                out.add(new Repository(URI.create(w[1]), List.of(w[2]), List.of(w).subList(3, w.length), keyring));
            } catch (IllegalArgumentException e) {
                throw new InputException(source + ":" + lineNo + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /**
     * Merges entries with the same URI and keyring into one repository each (keeping first-seen order of suites and
     * components), and keeps only the Debian suites asked for. An empty {@code suites} keeps every suite.
     */
    public static List<Repository> select(List<Repository> repos, List<String> suites, List<String> components) {
        Map<String, Repository> merged = new LinkedHashMap<>();
        for (Repository r : repos) {
            List<String> ss = r.suites().stream().filter(s -> suites.isEmpty() || suites.contains(s)).toList();
            List<String> cs = r.components().stream().filter(c -> components.isEmpty() || components.contains(c)).toList();
            if (ss.isEmpty() || cs.isEmpty()) {
                continue;
            }
            String k = r.uri() + " " + r.keyring();
            Repository old = merged.get(k);
            if (old == null) {
                merged.put(k, new Repository(r.uri(), ss, cs, r.keyring()));
            } else {
                List<String> s2 = new ArrayList<>(old.suites());
                ss.stream().filter(x -> !s2.contains(x)).forEach(s2::add);
                List<String> c2 = new ArrayList<>(old.components());
                cs.stream().filter(x -> !c2.contains(x)).forEach(c2::add);
                merged.put(k, new Repository(old.uri(), s2, c2, old.keyring()));
            }
        }
        return List.copyOf(merged.values());
    }

    /**
     * A mirror base URL as a repository URI.
     *
     * @throws IllegalArgumentException saying why {@code mirror} is not an http, https or file URL
     */
    public static URI mirrorUri(String mirror) {
        try {
            return Repository.baseUri(new URI(mirror.strip()));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + e.getMessage(), e);
        }
    }

    /**
     * The repositories to use for Debian {@code release} (e.g. bookworm). Start from the host's apt sources
     * filtered to {@code RELEASE}, {@code RELEASE-updates} and {@code RELEASE-security}; when a mirror is given (the
     * argument, else {@code $COSBUILD_DEBIAN_MIRROR}) it replaces the repositories serving {@code RELEASE} and
     * {@code RELEASE-updates} (other repositories, such as the security archive at its own URL, are kept).
     *
     * @param mirror  a mirror base URL from a flag or profile, or null
     * @param keyring keyring override, or null for each source's own {@code Signed-By} (default: Debian's)
     */
    public static List<Repository> forRelease(String release, List<String> components, String mirror, Path keyring)
            throws InputException {
        return forRelease(release, components, mirror, keyring, fromHost());
    }

    /** {@link #forRelease(String, List, String, Path)} with the host sources given. */
    public static List<Repository> forRelease(String release, List<String> components, String mirror, Path keyring,
                                              List<Repository> hostSources) throws InputException {
        boolean given = mirror != null && !mirror.isBlank();
        String m = given ? mirror : System.getenv(MIRROR_ENV);
        List<String> mainSuites = List.of(release, release + "-updates");
        List<Repository> repos = new ArrayList<>(
                select(hostSources, List.of(release, release + "-updates", release + "-security"), components));
        if (m != null && !m.isBlank()) {
            List<Repository> kept = new ArrayList<>();
            for (Repository r : repos) {
                List<String> rest = r.suites().stream().filter(x -> !mainSuites.contains(x)).toList();
                if (!rest.isEmpty()) {
                    kept.add(new Repository(r.uri(), rest, r.components(), r.keyring()));
                }
            }
            try {
                kept.add(0, new Repository(mirrorUri(m), mainSuites, components,
                        keyring != null ? keyring : Keyring.DEBIAN_ARCHIVE_KEYRING));
            } catch (IllegalArgumentException e) {
                throw new InputException((given ? "mirror" : "$" + MIRROR_ENV) + " '" + m + "': " + e.getMessage(), e);
            }
            repos = kept;
        }
        if (keyring != null) {
            repos = new ArrayList<>(repos.stream()
                    .map(r -> new Repository(r.uri(), r.suites(), r.components(), keyring)).toList());
        }
        if (repos.isEmpty()) {
            // The machine's configuration or the profile's release is at fault, not a repository: exit 2.
            throw new InputException("no apt source for Debian '" + release + "' " + components
                    + " in /etc/apt/sources.list{,.d}; pass --mirror URL or set " + MIRROR_ENV);
        }
        for (Repository r : repos) {
            if (!r.components().containsAll(components)) {
                throw new InputException("apt source " + r.uri() + " lacks component(s) " + components);
            }
        }
        return List.copyOf(repos);
    }
}

package io.cosbuild.packages.repo;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One apt repository: a base URI with the suites and components to read from it and the keyring that signs it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param uri        base URI (the directory holding {@code dists/} and {@code pool/}); a trailing '/' is added
 * @param suites     suites (distributions) such as {@code bookworm}, {@code bookworm-updates}
 * @param components components such as {@code main}
 * @param keyring    the OpenPGP keyring that must have signed each {@code InRelease}
 */
public record Repository(URI uri, List<String> suites, List<String> components, Path keyring) {
    public Repository {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(keyring, "keyring");
        suites = List.copyOf(suites);
        components = List.copyOf(components);
        if (suites.isEmpty() || components.isEmpty()) {
            throw new IllegalArgumentException("repository " + uri + " needs at least one suite and one component");
        }
        uri = baseUri(uri);
        for (String s : suites) {
            if (s.isEmpty() || s.contains("..") || s.startsWith("/")) {
                throw new IllegalArgumentException("bad suite name '" + s + "'");
            }
        }
    }

    /**
     * {@code uri} as a repository base: an http, https or file URL (http and https with a host), ending in '/'.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static URI baseUri(URI uri) {
        String scheme = uri.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme) && !"file".equals(scheme) || uri.getPath() == null) {
            throw new IllegalArgumentException("repository URI must be an http://, https:// or file:/ URL: " + uri);
        }
        if (!"file".equals(scheme) && uri.getHost() == null) {
            throw new IllegalArgumentException("repository URI names no host: " + uri);
        }
        return uri.getPath().endsWith("/") ? uri : URI.create(uri + "/");
    }

    /** The URI of a path under {@code dists/SUITE/}. */
    public URI dists(String suite, String path) {
        return uri.resolve("dists/" + suite + "/" + path);
    }
}

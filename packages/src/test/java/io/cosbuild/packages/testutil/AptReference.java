package io.cosbuild.packages.testutil;

import io.cosbuild.packages.repo.IndexDigest;
import io.cosbuild.packages.repo.PackageIndex;
import io.cosbuild.packages.repo.Repository;
import io.cosbuild.packages.repo.RepositoryClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tukaani.xz.XZInputStream;

/**
 * Runs the real {@code apt-get -s install --no-install-recommends} against exactly the index files our client
 * verified (copied into a private apt state directory), with an empty dpkg status, and returns the package names
 * apt would install. apt is the judge of our resolver.
 */
public final class AptReference {
    private AptReference() {
    }

    /** Name to version of what apt installs for {@code packages} on {@code arch}, sorted by name. */
    public static java.util.TreeMap<String, String> closure(Path work, List<Repository> repos, RepositoryClient client,
                                          PackageIndex index, String arch, List<String> packages)
            throws IOException, InterruptedException {
        return closure(work, repos, client, index, arch, packages, false);
    }

    /** As above; {@code recommends} makes apt install Recommends too. */
    public static java.util.TreeMap<String, String> closure(Path work, List<Repository> repos, RepositoryClient client,
                                          PackageIndex index, String arch, List<String> packages, boolean recommends)
            throws IOException, InterruptedException {
        Path lists = Files.createDirectories(work.resolve("lists/partial"));
        Files.createDirectories(work.resolve("cache/archives/partial"));
        Files.createDirectories(work.resolve("parts"));
        Path status = work.resolve("status");
        Files.write(status, new byte[0]);
        StringBuilder sources = new StringBuilder();
        for (Repository r : repos) {
            for (String suite : r.suites()) {
                sources.append("deb [arch=").append(arch).append(" signed-by=").append(r.keyring()).append("] ")
                        .append(r.uri()).append(' ').append(suite).append(' ')
                        .append(String.join(" ", r.components())).append('\n');
                String prefix = aptFileName(r.uri() + "dists/" + suite + "/");
                Files.copy(client.cachedInRelease(r, suite), lists.getParent().resolve(prefix + "InRelease"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                for (String comp : r.components()) {
                    IndexDigest d = index.digests().stream()
                            .filter(x -> x.suite().equals(suite) && x.path().startsWith(comp + "/binary-" + arch + "/"))
                            .findFirst().orElseThrow();
                    Path target = lists.getParent().resolve(prefix + comp + "_binary-" + arch + "_Packages");
                    decompress(client.store().path(d.sha256()), d.path(), target);
                }
            }
        }
        Path sl = work.resolve("sources.list");
        Files.writeString(sl, sources);
        Path conf = work.resolve("apt.conf");
        Files.writeString(conf, String.join("\n",
                "Dir::Etc::Parts \"" + work.resolve("parts") + "\";",
                "Dir::Etc::main \"/dev/null\";",
                "Dir::Etc::SourceList \"" + sl + "\";",
                "Dir::Etc::SourceParts \"" + work.resolve("parts") + "\";",
                "Dir::Etc::Preferences \"/dev/null\";",
                "Dir::Etc::PreferencesParts \"" + work.resolve("parts") + "\";",
                "Dir::State \"" + work + "\";",
                "Dir::State::Lists \"" + lists.getParent() + "\";",
                "Dir::State::status \"" + status + "\";",
                "Dir::Cache \"" + work.resolve("cache") + "\";",
                "APT::Architecture \"" + arch + "\";",
                "APT::Architectures { \"" + arch + "\"; };",
                "APT::Install-Recommends \"" + recommends + "\";",
                "Debug::NoLocking \"true\";", ""));
        List<String> cmd = new ArrayList<>(List.of("apt-get", "-s", "-q", "install",
                recommends ? "--install-recommends" : "--no-install-recommends"));
        cmd.addAll(packages);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("APT_CONFIG", conf.toString());
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        Files.writeString(work.resolve("apt-output.txt"), out);
        if (rc != 0) {
            throw new IllegalStateException("apt-get failed (" + rc + "):\n" + out);
        }
        java.util.TreeMap<String, String> names = new java.util.TreeMap<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("Inst ")) {
                // Inst NAME (VERSION RELEASE [ARCH])
                String[] w = line.split(" ");
                String n = w[1];
                names.put(n.contains(":") ? n.substring(0, n.indexOf(':')) : n, w[2].substring(1));
            }
        }
        return names;
    }

    /** apt's URItoFileName: drop the scheme and user info, '/' becomes '_'. */
    static String aptFileName(String uri) {
        String u = uri.replaceFirst("^[a-z]+://", "");
        int at = u.indexOf('@');
        int slash = u.indexOf('/');
        if (at >= 0 && (slash < 0 || at < slash)) {
            u = u.substring(at + 1);
        }
        return u.replace('/', '_');
    }

    private static void decompress(Path src, String name, Path target) throws IOException {
        try (InputStream raw = Files.newInputStream(src);
             InputStream in = name.endsWith(".xz") ? new XZInputStream(raw)
                     : name.endsWith(".gz") ? new java.util.zip.GZIPInputStream(raw) : raw;
             OutputStream out = Files.newOutputStream(target)) {
            in.transferTo(out);
        }
    }
}

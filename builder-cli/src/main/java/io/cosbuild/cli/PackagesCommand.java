package io.cosbuild.cli;

import io.cosbuild.cli.build.ImageLock;
import io.cosbuild.cli.build.Progress;
import io.cosbuild.packages.DebianPackages;
import io.cosbuild.packages.PackagesException;
import io.cosbuild.packages.lock.LockFile;
import io.cosbuild.packages.lock.LockedPackage;
import io.cosbuild.packages.resolve.Resolution;
import io.cosbuild.packages.resolve.ResolutionReport;
import io.cosbuild.packages.resolve.ResolveRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cosbuild packages resolve|fetch}: a thin layer over {@link DebianPackages}. Exit codes: 0 success,
 * 1 resolution, repository or signature failure, 2 usage or input error (bad options; a missing or invalid lock,
 * keyring, mirror URL or apt sources file: {@link io.cosbuild.packages.InputException}).
 */
@Command(name = "packages", mixinStandardHelpOptions = true,
        description = "Resolve and fetch Debian package sets.")
// subcommands: CosbuildCommand.GROUPS
public class PackagesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** Options shared by the subcommands: where packages come from. */
    static class SourceOptions {
        @Option(names = "--mirror", paramLabel = "URL", converter = MirrorUrl.class,
                description = "Debian mirror base URL (default: $COSBUILD_DEBIAN_MIRROR, else the host's apt sources)")
        String mirror;

        @Option(names = "--keyring", paramLabel = "FILE",
                description = "OpenPGP keyring the repository must be signed with "
                        + "(default: the sources' Signed-By, else /usr/share/keyrings/debian-archive-keyring.gpg)")
        Path keyring;

        @Option(names = "--cache-dir", paramLabel = "DIR",
                description = "cache directory (default: $COSBUILD_CACHE, else ~/.cache/cosbuild)")
        Path cacheDir;

        @Option(names = "--allow-expired", description = "accept a Release past its Valid-Until (warns loudly)")
        boolean allowExpired;

        @Option(names = "--release", defaultValue = "bookworm", paramLabel = "CODENAME",
                description = "Debian release (default: ${DEFAULT-VALUE})")
        String release;

        DebianPackages.Source source() {
            return new DebianPackages.Source(release, List.of("main"), mirror, keyring, cacheDir, allowExpired, 4);
        }

        /**
         * Refuses a {@code --cache-dir} that exists and is not a directory, before any download.
         *
         * @throws UsageException naming the option
         */
        void check() throws UsageException {
            if (cacheDir != null && Files.exists(cacheDir) && !Files.isDirectory(cacheDir)) {
                throw new UsageException("--cache-dir " + cacheDir + " exists and is not a directory");
            }
        }
    }

    /** {@code cosbuild packages resolve}. */
    @Command(name = "resolve", mixinStandardHelpOptions = true,
            description = "Print the dependency closure of a package set (name, version, size; totals).")
    public static class Resolve implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Mixin
        LoggingOptions logging;

        @Option(names = "--include", split = ",", paramLabel = "PKG", description = "package to install (repeatable)")
        List<String> includes = new ArrayList<>();

        @Option(names = "--exclude", split = ",", paramLabel = "PKG",
                description = "package never to install; dependencies only it satisfies are dropped (repeatable)")
        List<String> excludes = new ArrayList<>();

        @Option(names = "--deny", split = ",", paramLabel = "PKG",
                description = "package that must not be in the closure (repeatable)")
        List<String> deny = new ArrayList<>();

        @Option(names = "--arch", defaultValue = "x86_64", description = "x86_64 or arm64 (default: ${DEFAULT-VALUE})")
        String arch;

        @Option(names = "--with-recommends", description = "also install Recommends")
        boolean withRecommends;

        @Option(names = "--essential", description = "also install every Essential: yes package (a bootable base)")
        boolean essential;

        @Option(names = "--origin", defaultValue = "request", hidden = true,
                description = "name of the request in dependency chains (the profile name)")
        String origin;

        @Option(names = "--write-lock", paramLabel = "FILE", description = "write the closure as a lock file")
        Path writeLock;

        @Option(names = "--json", description = "print JSON instead of a table")
        boolean json;

        @Option(names = "--profile", paramLabel = "NAME|FILE",
                description = "resolve a profile's root and boot package sets; --write-lock then writes the image lock "
                        + "that 'cosbuild image --lock' builds from")
        String profile;

        @picocli.CommandLine.Mixin
        ProfileOptions profiles = new ProfileOptions();

        @picocli.CommandLine.Mixin
        SourceOptions source = new SourceOptions();

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            source.check();
            if (writeLock != null) {
                try {
                    writeLock = OutputFile.resolve(writeLock, "lock", "");
                } catch (IllegalArgumentException e) {
                    return refused(e.getMessage(), json, spec.commandLine().getOut(), err, Main.USAGE);
                }
            }
            if (profile != null) {
                List<String> ignored = profileConflicts();
                if (!ignored.isEmpty()) {
                    return refused(String.join(", ", ignored) + (ignored.size() == 1 ? " does" : " do")
                            + " not combine with --profile: the profile's packages (include, exclude, deny, recommends,"
                            + " essential) and repositories (suite, keyring) decide the image's package sets; change or"
                            + " extend the profile instead", json, spec.commandLine().getOut(), err, Main.USAGE);
                }
                return ProfileResolution.run(profiles.loader().load(profile).profile(), arch, includes, source.mirror,
                        source.cacheDir, source.allowExpired, writeLock, json, spec.commandLine().getOut(), err);
            }
            ResolveRequest req;
            try {
                req = new ResolveRequest(origin, includes, excludes, deny, ResolveRequest.debianArch(arch),
                        withRecommends, essential);
            } catch (IllegalArgumentException e) {
                return refused(e.getMessage(), json, spec.commandLine().getOut(), err, Main.USAGE);
            }
            return run(req, source.source(), writeLock, json, spec.commandLine().getOut(), err);
        }

        /**
         * Options that the profile decides, given with {@code --profile}: refused rather than ignored (a lock
         * written with them would not be the profile's, and {@code image} would call it stale).
         */
        List<String> profileConflicts() {
            List<String> out = new ArrayList<>();
            for (String o : List.of("--exclude", "--deny", "--essential", "--with-recommends", "--release", "--keyring")) {
                if (spec.commandLine().getParseResult().hasMatchedOption(o)) {
                    out.add(o);
                }
            }
            return out;
        }
    }

    /**
     * Resolves {@code req} and prints the closure; the entry point a profile-driven caller uses.
     *
     * @return the exit code
     */
    public static int run(ResolveRequest req, DebianPackages.Source source, Path writeLock, boolean json,
                          PrintWriter out, PrintWriter err) {
        if (source.allowExpired()) {
            err.println("WARNING: --allow-expired: repository metadata past its Valid-Until is accepted; the package "
                    + "set may lack security updates or come from a replayed mirror. Do not ship this image.");
            err.flush();
        }
        try {
            Resolution r;
            try (Progress.Step step = Progress.onTerminalOnly(err).start("Reading the package indexes")) {
                r = DebianPackages.resolve(source, List.of(req), step::update).get(0);
            }
            out.print(json ? ResolutionReport.json(r) : ResolutionReport.text(r));
            if (writeLock != null) {
                LockFile.of(r).write(writeLock);
                if (!json) {
                    out.println("wrote " + writeLock);
                }
            }
            out.flush();
            return 0;
        } catch (PackagesException e) {
            if (json) {
                ErrorHandler.jsonError(out, e.getMessage(), ErrorHandler.exitCodeOf(e));
            }
            return ErrorHandler.report(err, "cosbuild packages resolve", e, ErrorHandler.exitCodeOf(e), null);
        } catch (IOException e) {
            return refused("cannot write " + writeLock + ": " + e.getMessage(), json, out, err, Main.FAILED);
        } catch (IllegalArgumentException e) {
            return refused(e.getMessage(), json, out, err, Main.USAGE);
        }
    }

    /** Says why on stderr and, with {@code --json}, as JSON on stdout too (stdout stays JSON whatever happens). */
    private static int refused(String message, boolean json, PrintWriter out, PrintWriter err, int code) {
        err.println("cosbuild packages resolve: " + message);
        err.flush();
        if (json) {
            ErrorHandler.jsonError(out, message, code);
        }
        return code;
    }

    /**
     * The package sets of {@code file}: a package lock's one, or an image lock's root and boot sets (the
     * {@code cosbuild.lock} an image build writes, which users have at hand).
     */
    static List<LockFile> locks(Path file) throws PackagesException {
        boolean imageLock;
        try {
            imageLock = Json.mapper().readTree(Files.readString(file)).has("imageLockVersion");
        } catch (IOException e) {
            imageLock = false; // not JSON or unreadable: LockFile.read says what is wrong
        }
        if (imageLock) {
            ImageLock image = ImageLock.read(file);
            return List.of(image.root(), image.boot());
        }
        return List.of(LockFile.read(file));
    }

    /** {@code cosbuild packages fetch --lock FILE}: download and verify exactly a lock's packages. */
    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = "Download and verify the packages of a lock file into the cache (no index download).")
    public static class Fetch implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Mixin
        LoggingOptions logging;

        @Option(names = "--lock", required = true, paramLabel = "FILE",
                description = "Lock file to fetch: one from 'packages resolve --write-lock', or an image's cosbuild.lock (its root and boot sets)")
        Path lock;

        @picocli.CommandLine.Mixin
        SourceOptions source = new SourceOptions();

        @Override
        public Integer call() throws UsageException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            source.check();
            try {
                int verified = 0;
                for (LockFile lf : locks(lock)) {
                    Map<LockedPackage, Path> files = DebianPackages.fetch(source.source(), lf, (p, cached, done, total) -> {
                        synchronized (err) {
                            err.printf("[%d/%d] %s %s %s%n", done, total, p.name(), p.version(),
                                    cached ? "(cached)" : "(downloaded)");
                            err.flush();
                        }
                    });
                    verified += files.size();
                }
                out.printf("%d packages verified in %s%n", verified, source.source().cacheDir());
                out.flush();
                return 0;
            } catch (PackagesException e) {
                return ErrorHandler.report(err, "cosbuild packages fetch", e, ErrorHandler.exitCodeOf(e), logging);
            }
        }
    }
}

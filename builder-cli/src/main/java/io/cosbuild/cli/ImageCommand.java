package io.cosbuild.cli;

import io.cosbuild.cli.build.BuildRequest;
import io.cosbuild.cli.build.ImageBuilder;
import io.cosbuild.cli.build.ProfileMapping;
import io.cosbuild.cli.build.Progress;
import io.cosbuild.cli.build.SourceDateEpoch;
import io.cosbuild.packages.PackagesException;
import io.cosbuild.packages.cache.ContentStore;
import io.cosbuild.cli.build.ImageLock;
import io.cosbuild.spec.model.Architecture;
import io.cosbuild.spec.model.ImageProfile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cosbuild image}: the whole build, profile to bootable disk. */
@Command(name = "image", description = "Build a bootable disk image from a profile.", mixinStandardHelpOptions = true)
public final class ImageCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ProfileOptions profiles;
  @Mixin LoggingOptions logging;

  @Option(names = "--profile", required = true, paramLabel = "NAME|FILE", description = "Profile name or file.")
  String profile;

  @Option(names = "--arch", paramLabel = "ARCH", description = "x86_64 or arm64 (default: this machine's, if the profile allows it).")
  String arch;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "out", description = "Output directory (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--lock", paramLabel = "FILE", description = "Build exactly the packages of this lock file (no index download).")
  Path lock;

  @Option(names = "--format", split = ",", paramLabel = "FORMAT",
      description = "Outputs: raw, qcow2, gce, rootfs-tar (default: the profile's disk.formats).")
  List<String> formats = new ArrayList<>();

  @Option(names = "--source-date-epoch", paramLabel = "N", description = "Clamp every timestamp to N (overrides SOURCE_DATE_EPOCH and the profile).")
  Long sourceDateEpoch;

  @Option(names = "--mirror", paramLabel = "URL", converter = MirrorUrl.class,
      description = "Debian mirror (default: COSBUILD_DEBIAN_MIRROR, else the host's apt sources).")
  String mirror;

  @Option(names = "--cache-dir", paramLabel = "DIR", description = "Download and blob cache (default: COSBUILD_CACHE, else ~/.cache/cosbuild).")
  Path cacheDir;

  @Option(names = "--allow-expired", description = "Accept a Release file past its Valid-Until date (loudly).")
  boolean allowExpired;

  @Option(names = "--json", description = "Print the result as JSON on stdout.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (java.nio.file.Files.exists(out) && !java.nio.file.Files.isDirectory(out)) {
      // Before resolving, fetching and assembling, which would all be lost.
      throw new UsageException("--out " + out + " exists and is not a directory; name a directory (it is created if missing)");
    }
    ImageProfile p = profiles.loader().load(profile).profile();
    Architecture a = arch != null ? Architecture.parse(arch)
        : p.architectures().contains(Architecture.host()) ? Architecture.host() : p.architectures().get(0);
    long epoch = SourceDateEpoch.resolve(sourceDateEpoch, System.getenv("SOURCE_DATE_EPOCH"), p.sourceDateEpoch());
    List<String> wanted = formats.isEmpty() ? p.disk().formats() : formats;
    for (String f : wanted) {
      if (!List.of("raw", "qcow2", "gce", "rootfs-tar").contains(f)) {
        throw new UsageException("unknown --format '" + f + "' (raw, qcow2, gce, rootfs-tar)");
      }
    }
    ImageLock lockFile = null;
    if (lock != null) {
      try {
        lockFile = ImageLock.read(lock);
      } catch (PackagesException e) {
        throw new UsageException(e.getMessage(), e);
      }
    }
    Path cache = cacheDir != null ? cacheDir : ContentStore.defaultDirectory();
    BuildRequest req = new BuildRequest(p, profile, a, out, lockFile, lock, wanted, epoch, ProfileMapping.source(p, mirror, cache, allowExpired));
    Progress progress = Progress.forStderr(spec.commandLine().getErr(), false);
    ImageBuilder.Outcome outcome = new ImageBuilder(req, progress).build();
    PrintWriter w = spec.commandLine().getOut();
    var m = outcome.manifest();
    if (json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("profile", p.name());
      result.put("profileDigest", p.digest());
      result.put("arch", a.id());
      result.put("sourceDateEpoch", epoch);
      result.put("packages", outcome.rootfs().packages().size());
      result.put("files", outcome.files().stream().map(Path::toString).toList());
      if (m != null) {
        result.put("rootHash", m.verity().rootHash());
        result.put("rootfs", m.rootfs());
        result.put("kernelCommandLine", m.kernelCommandLine());
      }
      result.put("auditFindings", outcome.rootfs().audit().findings().entrySet().stream()
          .filter(e -> !e.getValue().isEmpty()).collect(java.util.stream.Collectors.toMap(e -> e.getKey().name().toLowerCase(
              java.util.Locale.ROOT), e -> e.getValue().size(), (x, y) -> x, java.util.TreeMap::new)));
      w.println(Json.write(result));
    } else {
      w.println("Built " + p.name() + " for " + a.id() + " in " + out);
      // The root can hold more than the lock's root set: kernel.keep-modules adds the kernel's packages.
      int inRoot = outcome.rootfs().packages().size();
      int kernelInRoot = inRoot - outcome.lock().root().packages().size();
      w.println("  packages     " + inRoot + " in the root" + (kernelInRoot > 0 ? " (" + kernelInRoot
          + " of them the kernel's, for its modules)" : "") + ", " + outcome.lock().boot().packages().size()
          + " for the kernel and initramfs");
      w.println("  filesystem   " + outcome.rootfs().tree().size() + " entries, " + outcome.rootfs().tree().contentBytes() / (1 << 20)
          + " MiB of file content");
      if (m != null) {
        var r = m.rootfs();
        String compression = r.compression().equals("none") ? ""
            : " (" + r.compression() + (r.level() == null ? "" : " " + r.level())
            + (r.xzFilters() == null || r.xzFilters().isEmpty() ? "" : ", filters " + String.join(", ", r.xzFilters())) + ")";
        w.println("  root image   " + m.rootfs().type() + compression + ", " + m.rootfs().size() / (1 << 20) + " MiB");
        w.println("  verity       " + m.verity().algorithm() + ", root hash " + m.verity().rootHash());
        w.println("  disk         " + m.disk().sizeBytes() / (1 << 20) + " MiB, " + m.disk().partitions().size() + " partitions");
      }
      w.println("  outputs      " + String.join(", ", outcome.files().stream().map(f -> f.getFileName().toString()).toList()));
      long warnings = outcome.rootfs().audit().findings().values().stream().filter(l -> !l.isEmpty()).count();
      w.println("  audit        " + (warnings == 0 ? "no findings" : warnings + (warnings == 1 ? " kind" : " kinds") + " of findings, see audit.txt"));
      if (m != null) {
        w.println("Boot it with: cosbuild boot " + out);
      }
    }
    w.flush();
    return Main.OK;
  }
}

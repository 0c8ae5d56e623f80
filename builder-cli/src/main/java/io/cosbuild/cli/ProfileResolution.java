package io.cosbuild.cli;

import io.cosbuild.cli.build.ImageLock;
import io.cosbuild.cli.build.ProfileMapping;
import io.cosbuild.cli.build.Progress;
import io.cosbuild.packages.DebianPackages;
import io.cosbuild.packages.cache.ContentStore;
import io.cosbuild.packages.lock.LockFile;
import io.cosbuild.packages.resolve.Resolution;
import io.cosbuild.packages.resolve.ResolutionReport;
import io.cosbuild.packages.resolve.ResolveRequest;
import io.cosbuild.spec.model.Architecture;
import io.cosbuild.spec.model.ImageProfile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code cosbuild packages resolve --profile}: the root and boot sets of a profile, and its image lock. */
final class ProfileResolution {

  private ProfileResolution() {}

  static int run(ImageProfile p, String arch, List<String> extraIncludes, String mirror, Path cacheDir, boolean allowExpired,
      Path writeLock, boolean json, PrintWriter out, PrintWriter err) throws Exception {
    Architecture a = Architecture.parse(arch);
    if (!p.architectures().contains(a)) {
      throw new UsageException("profile " + p.name() + " is not for " + a + " (it lists " + p.architectures() + ")");
    }
    DebianPackages.Source source = ProfileMapping.source(p, mirror, cacheDir == null ? ContentStore.defaultDirectory() : cacheDir,
        allowExpired);
    ResolveRequest rootReq = ProfileMapping.rootRequest(p, a);
    if (!extraIncludes.isEmpty()) {
      List<String> inc = new ArrayList<>(rootReq.includes());
      inc.addAll(extraIncludes);
      rootReq = new ResolveRequest(rootReq.origin(), inc, rootReq.excludes(), rootReq.deny(), rootReq.arch(), rootReq.withRecommends(), rootReq.withEssential());
    }
    List<Resolution> both;
    try (Progress.Step step = Progress.onTerminalOnly(err).start("Reading the package indexes")) {
      both = DebianPackages.resolve(source, List.of(rootReq, ProfileMapping.bootRequest(p, a)), step::update);
    }
    Resolution root = both.get(0);
    Resolution boot = both.get(1);
    if (json) {
      out.println("{\"root\": " + ResolutionReport.json(root).strip() + ",\n\"boot\": " + ResolutionReport.json(boot).strip() + "}");
    } else {
      out.print(ResolutionReport.text(root));
      out.println();
      out.println("Boot (kernel and initramfs userspace):");
      out.print(ResolutionReport.text(boot));
    }
    if (writeLock != null) {
      new ImageLock(ImageLock.VERSION, p.name(), a.id(), LockFile.of(root), LockFile.of(boot)).write(writeLock);
      if (!json) {
        out.println("wrote " + writeLock);
      }
    }
    out.flush();
    return Main.OK;
  }
}

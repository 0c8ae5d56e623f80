package io.cosbuild.cli.build;

import io.cosbuild.cli.BuildFailure;
import io.cosbuild.packages.PackagesException;
import io.cosbuild.packages.lock.LockFile;
import io.cosbuild.rootfs.assembly.AssemblyException;
import io.cosbuild.rootfs.assembly.AssemblyResult;
import io.cosbuild.rootfs.assembly.AuditFailedException;
import io.cosbuild.rootfs.assembly.RootfsAssembler;
import io.cosbuild.rootfs.dpkg.PackageContent;
import io.cosbuild.rootfs.dpkg.PackageException;
import io.cosbuild.rootfs.tar.PaxTarWriter;
import io.cosbuild.rootfs.tree.BlobStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The build pipeline of {@code cosbuild image}: packages, root filesystem, outputs. Each stage
 * consumes the previous stage's immutable result. Outputs are written in a staging directory and
 * moved into place only when everything succeeded. Not thread-safe: one build per instance.
 */
public final class ImageBuilder {

  private static final Logger LOG = LoggerFactory.getLogger(ImageBuilder.class);

  private final BuildRequest request;
  private final Progress progress;

  public ImageBuilder(BuildRequest request, Progress progress) {
    this.request = request;
    this.progress = progress;
  }

  /** What a finished build produced. */
  public record Outcome(List<Path> files, ImageLock lock, AssemblyResult rootfs) {}

  public Outcome build() throws BuildFailure, IOException {
    ImageLock lock = lockPackages();
    List<PackageContent> packages = fetch(lock.root());
    AssemblyResult rootfs = assemble(packages);
    List<String> produced = new ArrayList<>();
    try (StagingDirectory staging = StagingDirectory.create(request.out())) {
      rootfs.audit().writeTo(staging.directory());
      produced.add("audit.txt");
      produced.add("audit.json");
      Files.writeString(staging.file("sbom.spdx.json"), rootfs.sbom().json(), StandardCharsets.UTF_8);
      produced.add("sbom.spdx.json");
      lock.write(staging.file("cosbuild.lock"));
      produced.add("cosbuild.lock");
      if (request.wants("rootfs-tar")) {
        try (Progress.Step step = progress.start("Writing rootfs.tar");
            OutputStream out = Files.newOutputStream(staging.file("rootfs.tar"))) {
          PaxTarWriter.write(rootfs.tree(), out, request.sourceDateEpoch());
          step.done(rootfs.tree().size() + " entries");
        }
        produced.add("rootfs.tar");
      }
      for (String f : request.formats()) {
        if (!f.equals("rootfs-tar")) {
          throw new BuildFailure("output format '" + f + "' is not implemented yet");
        }
      }
      staging.commit(produced);
    }
    List<Path> files = produced.stream().map(request.out()::resolve).toList();
    return new Outcome(files, lock, rootfs);
  }

  private ImageLock lockPackages() throws BuildFailure {
    try (Progress.Step step = progress.start(request.lock() == null ? "Resolving packages" : "Checking the lock file")) {
      ImageLock given = request.lock();
      LockFile root = PackageSet.lock(request.source(), ProfileMapping.rootRequest(request.profile(), request.arch()),
          given == null ? null : given.root(), request.lockPath());
      LockFile boot = PackageSet.lock(request.source(), ProfileMapping.bootRequest(request.profile(), request.arch()),
          given == null ? null : given.boot(), request.lockPath());
      step.done(root.packages().size() + " root packages, " + boot.packages().size() + " boot packages");
      return new ImageLock(ImageLock.VERSION, request.profile().name(), request.arch().id(), root, boot);
    } catch (PackagesException e) {
      throw new BuildFailure(e.getMessage(), e);
    }
  }

  private List<PackageContent> fetch(LockFile lock) throws BuildFailure {
    try (Progress.Step step = progress.start("Fetching packages")) {
      List<PackageContent> out = PackageSet.open(request.source(), lock, step);
      step.done(out.size() + " verified");
      return out;
    } catch (PackagesException | PackageException e) {
      throw new BuildFailure(e.getMessage(), e);
    }
  }

  private AssemblyResult assemble(List<PackageContent> packages) throws BuildFailure, IOException {
    BlobStore blobs = BlobStore.open(request.source().cacheDir().resolve("blobs"));
    try (Progress.Step step = progress.start("Assembling the root filesystem")) {
      AssemblyResult r = RootfsAssembler.assemble(ProfileMapping.assemblyPlan(request.profile(), request.arch(), packages, blobs,
          request.sourceDateEpoch()));
      step.done(r.tree().size() + " entries, " + r.tree().contentBytes() / (1 << 20) + " MiB");
      LOG.debug("audit:\n{}", r.audit().toText());
      return r;
    } catch (AuditFailedException e) {
      Files.createDirectories(request.out());
      e.report().writeTo(request.out());
      throw new BuildFailure(e.getMessage() + "\n(the report is in " + request.out().resolve("audit.txt") + ")", e);
    } catch (AssemblyException | PackageException e) {
      throw new BuildFailure(e.getMessage(), e);
    }
  }
}

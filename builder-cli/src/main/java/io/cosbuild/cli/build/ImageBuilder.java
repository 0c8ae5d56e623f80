package io.cosbuild.cli.build;

import io.cosbuild.cli.BuildFailure;
import io.cosbuild.cli.UsageException;
import io.cosbuild.packages.PackagesException;
import io.cosbuild.packages.lock.LockFile;
import io.cosbuild.packages.resolve.ResolveRequest;
import io.cosbuild.rootfs.assembly.AssemblyException;
import io.cosbuild.rootfs.assembly.AssemblyResult;
import io.cosbuild.rootfs.assembly.AuditFailedException;
import io.cosbuild.rootfs.assembly.PackageExtractor;
import io.cosbuild.rootfs.assembly.RootfsAssembler;
import io.cosbuild.rootfs.dpkg.InstalledPackage;
import io.cosbuild.rootfs.dpkg.PackageContent;
import io.cosbuild.rootfs.dpkg.PackageException;
import io.cosbuild.rootfs.tar.PaxTarWriter;
import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsTree;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import io.cosbuild.disk.DiskFormat;
import io.cosbuild.disk.DiskImageException;
import io.cosbuild.disk.layout.WrittenDisk;
import io.cosbuild.rootfs.efi.AuthenticodeSigner;
import io.cosbuild.rootfs.efi.EfiImageException;
import io.cosbuild.verity.RootHashSigner;
import io.cosbuild.verity.VerityException;
import io.cosbuild.verity.VerityResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The build pipeline of {@code cosbuild image}: packages, root filesystem, outputs. Each stage
 * consumes the previous stage's immutable result. Outputs are written in a staging directory and
 * moved into place only when everything succeeded. Not thread-safe: one build per instance.
 */
public final class ImageBuilder {

  private static final Logger LOG = LoggerFactory.getLogger(ImageBuilder.class);

  /** Detached PKCS#7 signature over the hex root hash, as the kernel's root_hash_sig_key_desc takes it. */
  public static final String SIGNATURE = "root.hash.p7s";
  /** The certificate that checks {@link #SIGNATURE} and {@link #MANIFEST_SIGNATURE}. */
  public static final String SIGNING_CERTIFICATE = "verity-signing.crt";
  /**
   * Detached PKCS#7 signature over manifest.json's bytes, by the root hash's key: it ties the manifest's other facts
   * (the kernel's and initramfs's digests among them) to the key. Made after the manifest, so the manifest cannot
   * list it.
   */
  public static final String MANIFEST_SIGNATURE = "manifest.json.p7s";
  /** The unified kernel image the ESP holds (disk.esp: uki), also beside the disk, e.g. to sign it for Secure Boot. */
  public static final String UKI = "uki.efi";
  /** With disk.root-b: copy, the unified kernel image that boots slot B, also on the ESP (see EspStage). */
  public static final String UKI_B = "uki-b.efi";

  /** Every file a build may write to the output directory; a build removes those it did not write. */
  public static final List<String> OUTPUTS = List.of("audit.txt", "audit.json", "sbom.spdx.json", "cosbuild.lock", "rootfs.tar",
      "vmlinuz", "initrd.img", UKI, UKI_B, "disk.raw", "disk.qcow2", "disk.tar.gz", "manifest.json", SIGNATURE, SIGNING_CERTIFICATE,
      MANIFEST_SIGNATURE);
  /** Where a build that failed its audit leaves the report, inside the output directory, whose files it does not touch. */
  public static final String FAILED = ".cosbuild-failed";

  private final BuildRequest request;
  private final Progress progress;

  public ImageBuilder(BuildRequest request, Progress progress) {
    this.request = request;
    this.progress = progress;
  }

  /** What a finished build produced. */
  public record Outcome(List<Path> files, ImageLock lock, AssemblyResult rootfs, Manifest manifest) {}

  public Outcome build() throws BuildFailure, IOException, UsageException {
    SigningKeys keys = SigningKeys.load(request.profile());
    ImageLock lock = lockPackages();
    List<PackageContent> packages = fetch(lock.root(), ProfileMapping.rootRequest(request.profile(), request.arch()),
        "Fetching root packages", "root");
    List<PackageContent> bootPackages = fetch(lock.boot(), ProfileMapping.bootRequest(request.profile(), request.arch()),
        "Fetching the kernel and initramfs packages", "boot");
    if (request.profile().kernel().keepModules()) {
      packages = withKernelPackages(packages, bootPackages);
    }
    // The boot set's reads are kept for the boot stage (the kernel's is in the root too, with keep-modules); persistent:
    // a rebuild takes each package's checked entries from the cache instead of decompressing it again.
    PackageExtractor.SharedReads shared = PackageExtractor.SharedReads.persistent(bootPackages);
    AssemblyResult rootfs = assemble(packages, shared);
    List<String> produced = new ArrayList<>();
    Manifest manifest = null;
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
      if (request.formats().stream().anyMatch(f -> !f.equals("rootfs-tar"))) {
        manifest = buildDisk(lock, rootfs, bootPackages, shared, staging, produced, keys);
      }
      staging.commit(produced, OUTPUTS);
      for (String f : List.of("audit.txt", "audit.json")) { // an earlier failure's report no longer applies
        Files.deleteIfExists(request.out().resolve(FAILED).resolve(f));
      }
      Files.deleteIfExists(request.out().resolve(FAILED));
    }
    List<Path> files = produced.stream().map(request.out()::resolve).toList();
    return new Outcome(files, lock, rootfs, manifest);
  }

  private Manifest buildDisk(ImageLock lock, AssemblyResult rootfs, List<PackageContent> bootPackages,
      PackageExtractor.SharedReads shared, StagingDirectory staging, List<String> produced, SigningKeys keys)
      throws BuildFailure, IOException {
    Path work = Files.createDirectories(staging.file(".work"));
    String seed = request.profile().digest() + "/" + request.arch().id();
    Path rootImage = work.resolve("root.img");
    FsTree bootTree = BootStage.tree(request, bootPackages, shared);
    BootStage.requireKernelSupport(bootTree, request.profile());
    boolean uki = request.profile().disk().uki();
    boolean ukiB = uki && request.profile().disk().rootB().equals("copy");
    if (uki) {
      UnifiedKernelImage.requireStub(bootTree, request.arch());
    }
    try (Progress.Step step = progress.start("Building the kernel and initramfs")) {
      step.done(BootStage.kernelAndInitramfs(request, bootTree, staging.file("vmlinuz"), staging.file("initrd.img")));
    }
    produced.add("vmlinuz");
    produced.add("initrd.img");
    try (Progress.Step step = progress.start("Writing the root filesystem")) {
      step.done(RootImageStage.write(rootfs.tree(), request.profile().rootfs(), request.sourceDateEpoch(), seed, rootImage,
          step));
    }
    Path hashFile = work.resolve("root.verity");
    VerityResult verity;
    try (Progress.Step step = progress.start("Computing the dm-verity tree")) {
      verity = VerityStage.format(rootImage, hashFile, request.profile().verity(), request.profile().digest(), step::update);
      step.done("root hash " + verity.rootHashHex());
    } catch (VerityException e) {
      throw new BuildFailure("verity: " + e.getMessage(), e);
    }
    String signature = null;
    var spec = request.profile().verity();
    PrivateKey signingKey = keys.rootHashKey();
    X509Certificate signingCertificate = keys.rootHashCertificate();
    if (signingKey != null) {
      try (Progress.Step step = progress.start("Signing the root hash")) {
        byte[] sig = RootHashSigner.sign(verity.rootHashHex(), signingKey, signingCertificate);
        Files.write(staging.file(SIGNATURE), sig);
        Files.copy(spec.signingCertificate().get(), staging.file(SIGNING_CERTIFICATE));
        produced.add(SIGNATURE);
        produced.add(SIGNING_CERTIFICATE);
        signature = SIGNATURE;
        step.done("PKCS#7, " + sig.length + " bytes");
      } catch (VerityException e) {
        throw new BuildFailure("signing the root hash: " + e.getMessage(), e);
      }
    }
    if (uki) {
      try (Progress.Step step = progress.start("Building the unified kernel image")) {
        step.done(BootStage.unifiedKernelImages(request, bootTree, verity, staging.file("vmlinuz"),
            staging.file("initrd.img"), staging.file(UKI), ukiB ? staging.file(UKI_B) : null));
      }
    }
    List<String> images = new ArrayList<>();
    if (uki) {
      images.add(UKI);
    }
    if (ukiB) {
      images.add(UKI_B);
    }
    for (String image : images) {
      produced.add(image);
      signForSecureBoot(staging.file(image), keys);
    }
    Path oem = work.resolve("oem.ext4");
    WrittenDisk disk;
    try (Progress.Step step = progress.start("Writing the disk")) {
      StateStage.makeOem(oem, request.profile().disk().oemSize(), seed, request.sourceDateEpoch());
      disk = DiskStage.write(request.arch(), request.profile().disk(), request.profile().verity(), seed, rootImage, hashFile,
          verity.rootHashHex(), oem, uki ? staging.file(UKI) : null, ukiB ? staging.file(UKI_B) : null,
          (file, bytes) -> StateStage.makeState(file, bytes, seed, request.sourceDateEpoch()), staging.directory(),
          diskFormats(), request.sourceDateEpoch());
      step.done(disk.layout().partitions().size() + " partitions, " + disk.layout().diskSizeBytes() / (1 << 20) + " MiB");
    } catch (DiskImageException e) {
      throw new BuildFailure("disk: " + e.getMessage(), e);
    }
    produced.add("disk.raw");
    for (DiskFormat f : diskFormats()) {
      if (f != DiskFormat.RAW) {
        produced.add(f.fileName());
      }
    }
    // Every other output, so that `cosbuild verify` notices any of them changed, swapped in or left over.
    Map<String, Path> files = new TreeMap<>();
    for (String f : produced) {
      if (!f.equals("disk.raw")) { // checked partition by partition against the table and the root hash
        files.put(f, staging.file(f));
      }
    }
    Manifest m = ManifestWriter.build(request, rootfs.packages().stream().map(InstalledPackage::content).toList(), rootImage,
        verity, disk, signature, BootStage.commandLine(request, verity), files, new io.cosbuild.cli.VersionProvider().version());
    ManifestWriter.write(m, staging.file("manifest.json"));
    produced.add("manifest.json");
    if (signingKey != null) {
      try {
        Files.write(staging.file(MANIFEST_SIGNATURE),
            RootHashSigner.signDetached(Files.readAllBytes(staging.file("manifest.json")), signingKey, signingCertificate));
      } catch (VerityException e) {
        throw new BuildFailure("signing manifest.json: " + e.getMessage(), e);
      }
      produced.add(MANIFEST_SIGNATURE);
    }
    return m;
  }

  /** Signs the unified kernel image (Authenticode) when the profile has a Secure Boot key; before the ESP is written. */
  private void signForSecureBoot(Path uki, SigningKeys keys) throws BuildFailure, IOException {
    if (keys.secureBootKey() == null) {
      return;
    }
    String which = uki.getFileName().toString().equals(UKI_B) ? "slot B's unified kernel image" : "the unified kernel image";
    try (Progress.Step step = progress.start("Signing " + which + " for Secure Boot")) {
      X509Certificate certificate = keys.secureBootCertificate();
      AuthenticodeSigner.sign(uki, keys.secureBootKey(), certificate);
      step.done("Authenticode SHA-256, " + certificate.getSubjectX500Principal().getName());
    } catch (EfiImageException e) {
      throw new BuildFailure("signing " + which + " for Secure Boot: " + e.getMessage(), e);
    }
  }

  private Set<DiskFormat> diskFormats() throws BuildFailure {
    Set<DiskFormat> out = EnumSet.of(DiskFormat.RAW);
    for (String f : request.formats()) {
      switch (f) {
        case "qcow2" -> out.add(DiskFormat.QCOW2);
        case "gce" -> out.add(DiskFormat.GCE);
        case "raw", "rootfs-tar" -> { }
        default -> throw new BuildFailure("unknown output format " + f);
      }
    }
    return out;
  }

  private ImageLock lockPackages() throws BuildFailure {
    try (Progress.Step step = progress.start(request.lock() == null ? "Resolving packages" : "Checking the lock file")) {
      ImageLock given = request.lock();
      List<LockFile> locks = PackageSet.lock(request.source(), List.of(ProfileMapping.rootRequest(request.profile(),
          request.arch()), ProfileMapping.bootRequest(request.profile(), request.arch())),
          given == null ? null : List.of(given.root(), given.boot()), request.lockPath(), relockCommand(), step);
      LockFile root = locks.get(0);
      LockFile boot = locks.get(1);
      step.done(root.packages().size() + " root packages, " + boot.packages().size() + " boot packages");
      return new ImageLock(ImageLock.VERSION, request.profile().name(), request.arch().id(), root, boot);
    } catch (PackagesException e) {
      throw new BuildFailure(e.getMessage(), e);
    }
  }

  /** What writes a current image lock: the stale-lock advice (a plain lock is no image lock). */
  private String relockCommand() {
    return "cosbuild packages resolve --profile " + request.profileArgument() + " --arch " + request.arch().id()
        + " --write-lock " + request.lockPath();
  }

  /**
   * Fetches and opens the packages of {@code lock}; a given lock's set must also satisfy
   * {@code expected} (its request digest alone proves nothing about the package list).
   */
  private List<PackageContent> fetch(LockFile lock, ResolveRequest expected, String what, String set) throws BuildFailure {
    try (Progress.Step step = progress.start(what)) {
      List<PackageContent> out = PackageSet.open(request.source(), lock, step);
      if (request.lock() != null) {
        PackageSet.requireSatisfies(lock, expected, out, request.lockPath() + " (" + set + " packages)");
      }
      step.done(out.size() + " verified");
      return out;
    } catch (PackagesException | PackageException e) {
      throw new BuildFailure(e.getMessage(), e);
    }
  }

  /**
   * The root packages plus the boot set's kernel image packages ({@code kernel.keep-modules}): their
   * modules go into the root with the indexes depmod would make, and the package database lists them.
   */
  static List<PackageContent> withKernelPackages(List<PackageContent> root, List<PackageContent> boot) {
    List<PackageContent> out = new ArrayList<>(root);
    for (PackageContent p : boot) {
      if (p.name().startsWith("linux-image-") && root.stream().noneMatch(r -> r.name().equals(p.name()))) {
        out.add(p);
      }
    }
    return out;
  }

  private AssemblyResult assemble(List<PackageContent> packages, PackageExtractor.SharedReads shared)
      throws BuildFailure, IOException {
    BlobStore blobs = BlobStore.open(request.source().cacheDir().resolve("blobs"));
    try (Progress.Step step = progress.start("Assembling the root filesystem")) {
      AssemblyResult r = RootfsAssembler.assemble(ProfileMapping.assemblyPlan(request.profile(), request.arch(), packages, blobs,
          request.sourceDateEpoch(), shared), placed -> step.update(placed, packages.size()));
      step.done(r.tree().size() + " entries, " + r.tree().contentBytes() / (1 << 20) + " MiB");
      LOG.debug("audit:\n{}", r.audit().toText());
      return r;
    } catch (AuditFailedException e) {
      // Not next to the outputs: DIR's audit.txt must stay the one its manifest and disk were audited with.
      Path failed = Files.createDirectories(request.out().resolve(FAILED));
      e.report().writeTo(failed);
      throw new BuildFailure(e.getMessage() + "\n(the report is in " + failed.resolve("audit.txt") + "; nothing else in "
          + request.out() + " was changed)", e);
    } catch (AssemblyException | PackageException e) {
      throw new BuildFailure(e.getMessage(), e);
    }
  }
}

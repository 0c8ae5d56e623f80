package io.cosbuild.rootfs.assembly;

import io.cosbuild.rootfs.audit.AuditReport;
import io.cosbuild.rootfs.audit.Auditor;
import io.cosbuild.rootfs.dpkg.DpkgStatusWriter;
import io.cosbuild.rootfs.dpkg.PackageException;
import io.cosbuild.rootfs.dpkg.StatusForm;
import io.cosbuild.rootfs.sbom.CopyrightFiles;
import io.cosbuild.rootfs.sbom.CopyrightFiles.CopyrightFile;
import io.cosbuild.rootfs.sbom.Sbom;
import io.cosbuild.rootfs.sbom.SpdxSbomWriter;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.NodeMetadata;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * Assembles a root filesystem from an {@link AssemblyPlan}, without root and without running any
 * maintainer script. Steps, in order (each takes a tree and returns a new one):
 * <ol>
 *   <li>{@link PackageExtractor}: packages in install order, merged /usr, conflicts, overrides; the
 *       packages' copyright files are read for the SBOM here ({@link CopyrightFiles}), before any step
 *       removes documentation</li>
 *   <li>overlay files and symlinks from the plan; {@link BaseDirectoriesStep}</li>
 *   <li>{@link UsersStep}, {@link AlternativesStep}, {@link SystemdUnitsStep}, {@link MachineIdStep},
 *       {@link ModulesIndexStep}, {@link CaCertificatesStep}</li>
 *   <li>{@link DocsRemovalStep}, {@link ShellRemovalStep}, {@link SysctlStep}, {@link FirewallStep}, {@link SshPolicyStep}</li>
 *   <li>{@link MountLayoutStep}, {@link DpkgStatusWriter}, {@link PermissionsStep}, {@link FactoryEtcStep}</li>
 *   <li>{@link InitCheck}: the plan's init is an executable file in the tree</li>
 *   <li>mtimes clamped to the source date epoch; then {@link Auditor} and {@link SpdxSbomWriter}</li>
 * </ol>
 * Same plan, same tree: nothing depends on the clock, the host or hash order. Stateless and
 * thread-safe (plans share only the blob store, which is safe for concurrent use).
 */
public final class RootfsAssembler {

  private RootfsAssembler() {}

  public static AssemblyResult assemble(AssemblyPlan plan) throws AssemblyException, PackageException {
    return assemble(plan, placed -> { });
  }

  /** As {@link #assemble(AssemblyPlan)}; {@code progress} is told how many packages are unpacked, after each one. */
  public static AssemblyResult assemble(AssemblyPlan plan, IntConsumer progress) throws AssemblyException, PackageException {
    long epoch = plan.sourceDateEpoch();
    var blobs = plan.blobs();
    HardeningOptions h = plan.hardening();
    var extraction = PackageExtractor.extract(plan.packages(), plan.mergedUsr(), plan.overrides(), blobs,
        NodeMetadata.of(0755, 0, 0, epoch), plan.sharedReads(), progress);
    FsTree tree = extraction.tree();
    Map<String, CopyrightFile> copyrights;
    try {
      copyrights = CopyrightFiles.read(tree, extraction.packages());
    } catch (IOException e) {
      throw new AssemblyException("sbom: cannot read the packages' copyright files from the blob store: " + e.getMessage(), e);
    }

    FsTreeBuilder b = tree.toBuilder();
    for (OverlayFile f : plan.overlayFiles()) {
      TreeEdits.writeBytes(b, blobs, f.path(), f.content(), f.permissions(), f.uid(), f.gid(), epoch, "overlay");
    }
    for (Map.Entry<FsPath, String> e : plan.overlaySymlinks().entrySet()) {
      TreeEdits.symlink(b, e.getKey(), e.getValue(), epoch, "overlay");
    }
    tree = new BaseDirectoriesStep(epoch).apply(b.build());

    tree = new UsersStep(plan.users(), h.lockAccounts(), blobs, epoch).apply(tree);
    tree = new AlternativesStep(plan.alternatives(), plan.knownAlternatives(), blobs, epoch).apply(tree);
    if (!plan.units().isEmpty()) {
      tree = new SystemdUnitsStep(plan.units(), epoch).apply(tree);
    }
    tree = new MachineIdStep(blobs, epoch).apply(tree);
    tree = new ModulesIndexStep(blobs, epoch).apply(tree);
    tree = new CaCertificatesStep(blobs, epoch).apply(tree,
        extraction.packages().stream().anyMatch(p -> p.content().name().equals("ca-certificates")));

    // Docs go first: the shell step reports scripts left without their interpreter, and a script
    // under /usr/share/doc that is about to be removed is not one the image ships.
    tree = new DocsRemovalStep(h).apply(tree);
    ShellReport shells = ShellReport.empty();
    if (h.removeShells()) {
      ShellRemovalStep.Result r = new ShellRemovalStep(h.shellNames()).apply(tree);
      tree = r.tree();
      shells = r.report();
    }
    if (h.stripSetuid()) {
      tree = new SetuidStripStep(h.keepSetuid()).apply(tree);
    }
    if (h.writeSysctl()) {
      tree = new SysctlStep(h.effectiveSysctl(), blobs, epoch).apply(tree);
    }
    if (h.firewallTcpPorts() != null) {
      tree = new FirewallStep(h.firewallTcpPorts(), blobs, epoch).apply(tree);
    }
    if (h.sshPolicy() != null) {
      tree = new SshPolicyStep(h.sshPolicy(), blobs, epoch).apply(tree);
    }
    if (plan.mountLayout() != null) {
      tree = new MountLayoutStep(plan.mountLayout(), blobs, epoch).apply(tree);
    }
    tree = new DpkgStatusWriter(plan.statusForm(), blobs, epoch).apply(tree, extraction.packages());
    // After strip-setuid, so that a setuid mode the profile gives stays; before the factory copy of /etc.
    PermissionsStep permissions = new PermissionsStep(plan.permissions(), plan.statusForm() == StatusForm.DPKG, blobs, epoch);
    tree = permissions.apply(tree);
    if (plan.factoryEtc()) {
      tree = new FactoryEtcStep().apply(tree);
    }
    if (plan.init() != null) {
      InitCheck.require(tree, plan.init()); // after every step that adds or removes files
    }
    FsTreeBuilder clamp = tree.toBuilder();
    clamp.mapMetadata((p, m) -> m.mtime() > epoch ? m.withMtime(epoch) : m);
    tree = clamp.build();

    AuditReport audit;
    try {
      java.util.List<String> refs = new java.util.ArrayList<>(shells.danglingLinks());
      refs.addAll(shells.shebangs());
      audit = Auditor.audit(tree, extraction.packages(), refs, permissions.paths(tree), plan.auditErrors());
    } catch (IOException e) {
      throw new AssemblyException("audit: cannot read the blob store: " + e.getMessage(), e);
    }
    Sbom sbom = SpdxSbomWriter.build(plan.imageName(), extraction.packages(), copyrights, distro(tree), epoch);
    AssemblyResult result = new AssemblyResult(tree, extraction.packages(), audit, sbom, shells);
    if (audit.failed()) {
      throw new AuditFailedException(result);
    }
    return result;
  }

  /** {@code <ID>-<VERSION_ID>} from the image's os-release (e.g. debian-12), for purls. */
  static String distro(FsTree tree) throws AssemblyException {
    Optional<String> osRelease = TreeEdits.readText(tree, FsPath.parse("/usr/lib/os-release"));
    if (osRelease.isEmpty()) {
      osRelease = TreeEdits.readText(tree, FsPath.parse("/etc/os-release"));
    }
    if (osRelease.isEmpty()) {
      return null;
    }
    String id = null;
    String version = null;
    for (String line : osRelease.get().lines().toList()) {
      if (line.startsWith("ID=")) {
        id = line.substring(3).replace("\"", "");
      } else if (line.startsWith("VERSION_ID=")) {
        version = line.substring(11).replace("\"", "");
      }
    }
    return id == null ? null : version == null ? id : id + "-" + version;
  }
}

package io.cosbuild.rootfs.assembly;

import io.cosbuild.rootfs.audit.AuditReport;
import io.cosbuild.rootfs.dpkg.InstalledPackage;
import io.cosbuild.rootfs.sbom.Sbom;
import io.cosbuild.rootfs.tree.FsTree;
import java.util.List;

/** The assembled tree and what was learnt building it. Immutable. */
public record AssemblyResult(FsTree tree, List<InstalledPackage> packages, AuditReport audit, Sbom sbom,
    ShellReport shells) {
  public AssemblyResult {
    packages = List.copyOf(packages);
  }
}

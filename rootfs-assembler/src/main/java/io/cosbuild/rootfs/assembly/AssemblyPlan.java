package io.cosbuild.rootfs.assembly;

import io.cosbuild.rootfs.audit.AuditCheck;
import io.cosbuild.rootfs.dpkg.PackageContent;
import io.cosbuild.rootfs.dpkg.StatusForm;
import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsPath;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything {@link RootfsAssembler} needs, as plain values (the lead maps a profile onto it).
 * Immutable; build one with {@link #builder}.
 *
 * @param imageName names the SBOM document and its image package
 * @param packages package contents in install order
 * @param blobs where file contents are stored (the only place anything is written)
 * @param sourceDateEpoch every mtime is clamped to this; generated files get it
 * @param mergedUsr top-level directories made symlinks into /usr (bookworm: bin, sbin, lib, lib64 on amd64)
 * @param overrides canonical path -> package whose entry wins a file conflict there
 * @param overlayFiles files added after the packages (replacing what is there)
 * @param overlaySymlinks symlinks added after the packages (link -> target as written)
 * @param users accounts added after base-passwd's
 * @param permissions owners, modes and file capabilities set once the accounts exist and hardening is done
 * @param units systemd units to enable
 * @param alternatives update-alternatives choices; {@code knownAlternatives} adds Debian's usual defaults
 * @param hardening hardening options
 * @param mountLayout the runtime mount layout, or {@code null} for none
 * @param factoryEtc keep a pristine copy of /etc in /usr/share/factory/etc
 * @param statusForm how the dpkg database is written
 * @param auditErrors audit checks that fail the assembly when they have findings
 * @param init the program the boot runs after {@code switch_root}, which the root must have (null: not checked)
 * @param sharedReads package archives read for another extraction of the same build, or to keep for one
 */
public record AssemblyPlan(String imageName, List<PackageContent> packages, BlobStore blobs, long sourceDateEpoch,
    List<String> mergedUsr, Map<FsPath, String> overrides, List<OverlayFile> overlayFiles,
    Map<FsPath, String> overlaySymlinks, List<UserSpec> users, List<Permission> permissions, List<String> units,
    List<Alternative> alternatives, boolean knownAlternatives, HardeningOptions hardening, MountLayout mountLayout,
    boolean factoryEtc, StatusForm statusForm, Set<AuditCheck> auditErrors, String init, PackageExtractor.SharedReads sharedReads) {

  public AssemblyPlan {
    Objects.requireNonNull(imageName, "imageName");
    packages = List.copyOf(packages);
    Objects.requireNonNull(blobs, "blobs");
    if (sourceDateEpoch < 0) {
      throw new IllegalArgumentException("source date epoch must not be negative");
    }
    mergedUsr = List.copyOf(mergedUsr);
    overrides = java.util.Collections.unmodifiableMap(new TreeMap<>(overrides));
    overlayFiles = List.copyOf(overlayFiles);
    overlaySymlinks = java.util.Collections.unmodifiableMap(new TreeMap<>(overlaySymlinks));
    users = List.copyOf(users);
    permissions = List.copyOf(permissions);
    units = List.copyOf(units);
    alternatives = List.copyOf(alternatives);
    Objects.requireNonNull(hardening, "hardening");
    Objects.requireNonNull(statusForm, "statusForm");
    Objects.requireNonNull(sharedReads, "sharedReads");
    auditErrors = auditErrors.isEmpty() ? Set.of() : java.util.Collections.unmodifiableSet(EnumSet.copyOf(auditErrors));
  }

  /** Debian bookworm's merged-/usr directories for a Debian architecture name. */
  public static List<String> mergedUsrFor(String debianArch) {
    return switch (debianArch) {
      case "amd64" -> List.of("bin", "sbin", "lib", "lib64");
      case "arm64" -> List.of("bin", "sbin", "lib");
      default -> List.of("bin", "sbin", "lib");
    };
  }

  public static Builder builder(String imageName, List<PackageContent> packages, BlobStore blobs, long sourceDateEpoch) {
    return new Builder(imageName, packages, blobs, sourceDateEpoch);
  }

  /** Mutable builder with the defaults: amd64 merged /usr, no hardening, dpkg status, no layout. Not thread-safe. */
  public static final class Builder {
    private final String imageName;
    private final List<PackageContent> packages;
    private final BlobStore blobs;
    private final long epoch;
    private List<String> mergedUsr = mergedUsrFor("amd64");
    private Map<FsPath, String> overrides = Map.of();
    private final List<OverlayFile> overlayFiles = new ArrayList<>();
    private final Map<FsPath, String> overlaySymlinks = new TreeMap<>();
    private List<UserSpec> users = List.of();
    private List<Permission> permissions = List.of();
    private List<String> units = List.of();
    private List<Alternative> alternatives = List.of();
    private boolean knownAlternatives = true;
    private HardeningOptions hardening = HardeningOptions.none();
    private MountLayout mountLayout;
    private boolean factoryEtc;
    private StatusForm statusForm = StatusForm.DPKG;
    private Set<AuditCheck> auditErrors = Set.of();
    private String init;
    private PackageExtractor.SharedReads sharedReads = PackageExtractor.SharedReads.NONE;

    private Builder(String imageName, List<PackageContent> packages, BlobStore blobs, long epoch) {
      this.imageName = imageName;
      this.packages = packages;
      this.blobs = blobs;
      this.epoch = epoch;
    }

    public Builder mergedUsr(List<String> v) {
      mergedUsr = v;
      return this;
    }

    public Builder overrides(Map<FsPath, String> v) {
      overrides = v;
      return this;
    }

    public Builder overlayFile(OverlayFile f) {
      overlayFiles.add(f);
      return this;
    }

    public Builder overlaySymlink(String link, String target) {
      overlaySymlinks.put(FsPath.parse(link), target);
      return this;
    }

    public Builder users(List<UserSpec> v) {
      users = v;
      return this;
    }

    public Builder permissions(List<Permission> v) {
      permissions = v;
      return this;
    }

    public Builder units(List<String> v) {
      units = v;
      return this;
    }

    public Builder alternatives(List<Alternative> v, boolean addKnownDefaults) {
      alternatives = v;
      knownAlternatives = addKnownDefaults;
      return this;
    }

    public Builder hardening(HardeningOptions v) {
      hardening = v;
      return this;
    }

    public Builder mountLayout(MountLayout v) {
      mountLayout = v;
      return this;
    }

    public Builder factoryEtc(boolean v) {
      factoryEtc = v;
      return this;
    }

    public Builder statusForm(StatusForm v) {
      statusForm = v;
      return this;
    }

    public Builder auditErrors(Set<AuditCheck> v) {
      auditErrors = v;
      return this;
    }

    /** The init the boot runs: the assembly fails unless the root has it, executable. */
    public Builder init(String v) {
      init = v;
      return this;
    }

    /** Package archives shared with another extraction in the same build (the boot set's). */
    public Builder sharedReads(PackageExtractor.SharedReads v) {
      sharedReads = v;
      return this;
    }

    public AssemblyPlan build() {
      return new AssemblyPlan(imageName, packages, blobs, epoch, mergedUsr, overrides, overlayFiles, overlaySymlinks,
          users, permissions, units, alternatives, knownAlternatives, hardening, mountLayout, factoryEtc, statusForm,
          auditErrors, init, sharedReads);
    }
  }
}

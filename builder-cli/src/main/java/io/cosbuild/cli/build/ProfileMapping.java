package io.cosbuild.cli.build;

import io.cosbuild.packages.DebianPackages;
import io.cosbuild.packages.resolve.ResolveRequest;
import io.cosbuild.rootfs.assembly.Alternative;
import io.cosbuild.rootfs.assembly.AssemblyPlan;
import io.cosbuild.rootfs.assembly.HardeningOptions;
import io.cosbuild.rootfs.assembly.MountLayout;
import io.cosbuild.rootfs.assembly.OverlayFile;
import io.cosbuild.rootfs.assembly.PackageExtractor;
import io.cosbuild.rootfs.assembly.Permission;
import io.cosbuild.rootfs.assembly.SshPolicy;
import io.cosbuild.rootfs.assembly.UserSpec;
import io.cosbuild.rootfs.audit.AuditCheck;
import io.cosbuild.rootfs.dpkg.PackageContent;
import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.spec.model.Architecture;
import io.cosbuild.spec.model.FileSpec;
import io.cosbuild.spec.model.ImageProfile;
import io.cosbuild.spec.model.RepositorySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The one place where a profile becomes the plain-value requests of the core modules (resolver,
 * assembler). Keeping it here keeps the modules free of the profile model. Stateless.
 */
public final class ProfileMapping {

  private static final String DEFAULT_KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg";

  private ProfileMapping() {}

  /** The root filesystem's package request. */
  public static ResolveRequest rootRequest(ImageProfile p, Architecture arch) {
    return new ResolveRequest(p.name(), p.packages().include(), p.packages().exclude(), p.packages().deny(), arch.debianArch(),
        p.packages().recommends(), p.packages().essential());
  }

  /** Packages a kernel image depends on only for its maintainer scripts, which cosbuild does not run. */
  static final List<String> KERNEL_SCRIPT_DEPENDENCIES = List.of("linux-base", "kmod", "initramfs-tools", "initramfs-tools-core",
      "dracut", "dracut-core", "tiny-initramfs", "apparmor");

  /**
   * Early userspace of the initramfs: busybox for the init script, dmsetup to open the verity device, fdisk
   * (sfdisk) and e2fsprogs (resize2fs, mke2fs) to grow or format STATE.
   */
  static final List<String> INITRAMFS_USERSPACE = List.of("busybox-static", "dmsetup", "fdisk", "e2fsprogs");

  /**
   * The boot set: the profile's kernel package (the metapackage pulls the versioned image), the
   * initramfs userspace and, for a unified kernel image, systemd's EFI stub; without the kernel's
   * maintainer-script dependencies.
   */
  public static ResolveRequest bootRequest(ImageProfile p, Architecture arch) {
    List<String> includes = new ArrayList<>(INITRAMFS_USERSPACE);
    includes.add(p.kernel().packageFor(arch));
    if (p.disk().uki()) {
      includes.add(UnifiedKernelImage.STUB_PACKAGE);
    }
    return new ResolveRequest(p.name() + "/boot", includes, KERNEL_SCRIPT_DEPENDENCIES, List.of(), arch.debianArch(), false);
  }

  /**
   * Where packages come from: the profile's first repository (its first suite is the release; the
   * updates and security suites of that release come from the host's sources), unless a mirror
   * flag names another.
   */
  public static DebianPackages.Source source(ImageProfile p, String mirrorFlag, Path cacheDir, boolean allowExpired) {
    RepositorySpec r = p.repositories().get(0);
    String mirror = mirrorFlag != null ? mirrorFlag : RepositorySpec.HOST_APT_SOURCES.equals(r.uri()) ? null : r.uri();
    Path keyring = DEFAULT_KEYRING.equals(r.keyring()) ? null : Path.of(r.keyring());
    return new DebianPackages.Source(r.suites().get(0), r.components(), mirror, keyring, cacheDir, allowExpired, 4);
  }

  /** The assembly plan of the root filesystem. */
  public static AssemblyPlan assemblyPlan(ImageProfile p, Architecture arch, List<PackageContent> packages, BlobStore blobs,
      long epoch, PackageExtractor.SharedReads sharedReads) throws IOException {
    var s = p.security();
    boolean removeShells = !s.removeInterpreters().isEmpty();
    boolean keepAllLocales = s.keepLocales().contains("*");
    HardeningOptions hardening = new HardeningOptions(removeShells,
        removeShells ? s.removeInterpreters() : HardeningOptions.DEFAULT_SHELLS, !s.keepDocs(), List.of(), true, !s.keepDocs(),
        !keepAllLocales, keepAllLocales ? List.of() : s.keepLocales(), true, s.sysctl(),
        s.firewall().enabled() ? s.firewall().allowTcp() : null,
        new SshPolicy(s.ssh().port(), s.ssh().permitRootLogin(), s.ssh().passwordAuthentication()), true,
        s.stripSetuid(), s.keepSetuid());
    AssemblyPlan.Builder b = AssemblyPlan.builder(p.name(), packages, blobs, epoch)
        .mergedUsr(AssemblyPlan.mergedUsrFor(arch.debianArch()))
        .hardening(hardening)
        .mountLayout(mountLayout(p))
        .factoryEtc(p.filesystem().statelessEtc())
        .units(p.systemd().enable())
        .users(users(p, packages))
        .permissions(s.permissions().stream().map(ps -> new Permission(ps.path(), ps.owner().orElse(null),
            ps.group().orElse(null), ps.mode().isPresent() ? ps.mode().getAsInt() : null, ps.capabilities().orElse(null)))
            .toList())
        .alternatives(alternatives(p), true)
        .auditErrors(auditErrors(p))
        .init(p.init())
        .sharedReads(sharedReads);
    Map<FsPath, String> overrides = new TreeMap<>();
    p.packages().allowOverrides().forEach((path, pkg) -> overrides.put(FsPath.parse(path), pkg));
    b.overrides(overrides);
    for (FileSpec f : p.files()) {
      if (f.symlink().isPresent()) {
        b.overlaySymlink(f.path(), f.symlink().get());
      } else {
        byte[] content = f.content().isPresent() ? f.content().get().getBytes(StandardCharsets.UTF_8)
            : Files.readAllBytes(f.source().orElseThrow());
        b.overlayFile(new OverlayFile(FsPath.parse(f.path()), content, f.mode(), f.uid(), f.gid()));
      }
    }
    if (!p.systemd().defaultTarget().equals("multi-user.target") || !p.systemd().enable().isEmpty()) {
      b.overlaySymlink("/etc/systemd/system/default.target", "/lib/systemd/system/" + p.systemd().defaultTarget());
    }
    return b.build();
  }

  static MountLayout mountLayout(ImageProfile p) {
    return mountLayout(p.filesystem());
  }

  /** The assembler's mount layout of a profile's {@code filesystem}. */
  static MountLayout mountLayout(io.cosbuild.spec.model.MountLayout l) {
    Map<FsPath, FsPath> links = new TreeMap<>();
    for (String link : l.varSymlinks()) {
      links.put(FsPath.parse(link), FsPath.parse("/var" + link.substring(link.lastIndexOf('/'))));
    }
    return new MountLayout(paths(l.readOnly()), paths(l.tmpfs()), paths(l.stateful()), paths(l.noexec()), paths(l.exec()), links,
        l.statelessEtc());
  }

  private static List<FsPath> paths(List<String> s) {
    return s.stream().map(FsPath::parse).toList();
  }

  private static List<UserSpec> users(ImageProfile p, List<PackageContent> packages) {
    List<UserSpec> out = new ArrayList<>();
    boolean sshd = packages.stream().anyMatch(c -> c.name().equals("openssh-server"));
    if (sshd && p.security().users().stream().noneMatch(u -> u.name().equals("sshd"))) {
      // sshd's privilege separation user, which openssh-server's postinst (not run) adds with adduser --system.
      out.add(new UserSpec("sshd", null, "nogroup", List.of(), "/run/sshd", null));
    }
    for (var u : p.security().users()) {
      out.add(new UserSpec(u.name(), u.uid().isPresent() ? u.uid().getAsInt() : null, null, u.groups(), u.home(), u.shell(),
          u.gid().isPresent() ? u.gid().getAsInt() : null));
    }
    return out;
  }

  private static List<Alternative> alternatives(ImageProfile p) {
    List<Alternative> out = new ArrayList<>();
    p.alternatives().forEach((name, target) -> out.add(Alternative.of(name, "/usr/sbin/" + name, target)));
    return out;
  }

  private static Set<AuditCheck> auditErrors(ImageProfile p) {
    Set<AuditCheck> out = EnumSet.noneOf(AuditCheck.class);
    for (String e : p.security().auditErrors()) {
      out.add(AuditCheck.valueOf(e.toUpperCase(Locale.ROOT).replace('-', '_')));
    }
    return out;
  }
}

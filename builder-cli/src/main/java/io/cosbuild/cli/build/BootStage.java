package io.cosbuild.cli.build;

import io.cosbuild.cli.BuildFailure;
import io.cosbuild.rootfs.assembly.AssemblyPlan;
import io.cosbuild.rootfs.assembly.PackageExtractor;
import io.cosbuild.rootfs.dpkg.PackageContent;
import io.cosbuild.rootfs.dpkg.PackageException;
import io.cosbuild.rootfs.initramfs.BootPlan;
import io.cosbuild.rootfs.initramfs.Initramfs;
import io.cosbuild.rootfs.initramfs.InitramfsBuilder;
import io.cosbuild.rootfs.initramfs.InitramfsCompression;
import io.cosbuild.rootfs.initramfs.InitramfsException;
import io.cosbuild.rootfs.initramfs.KernelCommandLine;
import io.cosbuild.rootfs.initramfs.KernelConfig;
import io.cosbuild.rootfs.initramfs.KernelModule;
import io.cosbuild.rootfs.initramfs.MissingModuleException;
import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.NodeMetadata;
import io.cosbuild.spec.model.ImageProfile;
import io.cosbuild.verity.VerityResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Kernel, initramfs and kernel command line: the boot packages are extracted into their own tree,
 * the initramfs takes busybox, dmsetup with its libraries and the kernel modules the boot needs
 * (with a generated modules.dep) plus the generated /init; the command line carries the verity
 * parameters the init opens the root with; for a firmware-bootable disk, the three joined with systemd's EFI stub
 * into one unified kernel image. Stateless.
 */
final class BootStage {

  /**
   * Modules every boot needs (the initramfs builder adds their dependencies): the disk drivers of QEMU and the clouds
   * (virtio-blk; virtio-scsi and SCSI disks, as GCE attaches them; NVMe, as AWS Nitro and GCE's newer machines do),
   * dm-verity and overlayfs.
   */
  static final List<String> BOOT_MODULES = List.of("virtio_pci", "virtio_blk", "virtio_scsi", "sd_mod", "nvme", "dm-verity",
      "overlay");

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BootStage.class);

  private BootStage() {}

  /**
   * Builds the initramfs for the profile from the boot tree and writes it and the kernel: before the root image, so
   * that a module the kernel package lacks, or anything else the initramfs cannot take, fails the build before its
   * longest step (nothing here depends on the root). Returns the step's summary.
   */
  static String kernelAndInitramfs(BuildRequest request, FsTree boot, Path vmlinuz, Path initrd)
      throws BuildFailure, IOException {
    ImageProfile p = request.profile();
    long epoch = request.sourceDateEpoch();
    BlobStore store = BlobStore.open(request.source().cacheDir().resolve("blobs"));
    try {
      List<String> modules = new ArrayList<>(BOOT_MODULES);
      if (p.rootfs().type().equals("squashfs")) {
        modules.add("squashfs");
      }
      modules.addAll(p.kernel().modules());
      BootPlan plan = BootPlan.of(ProfileMapping.mountLayout(p), modules, p.rootfs().type(),
          BootPlan.CorruptionMode.of(p.verity().onCorruption()), p.filesystem().formatState().equals("first-boot"), p.init());
      Initramfs ir = InitramfsBuilder.build(boot, plan, store, epoch);
      try (OutputStream o = Files.newOutputStream(initrd)) {
        InitramfsBuilder.write(ir, InitramfsCompression.of(p.kernel().initramfsCompression()), epoch, o);
      }
      try (InputStream in = ir.kernelImage().open()) {
        Files.copy(in, vmlinuz);
      }
      return "kernel " + ir.kernelRelease() + ", " + ir.modules().loadOrder().size() + " modules, initramfs "
          + Files.size(initrd) / 1024 + " KiB";
    } catch (MissingModuleException e) {
      if (e.wanted() && p.kernel().modules().stream().map(KernelModule::normalise).anyMatch(e.module()::equals)) {
        throw new BuildFailure("kernel.modules: " + e.module() + " is not in the kernel package, neither as a module file"
            + " nor built in: check the name (modinfo) or the kernel's config", e);
      }
      throw new BuildFailure("boot: " + e.getMessage(), e);
    } catch (InitramfsException e) {
      throw new BuildFailure("boot: " + e.getMessage(), e);
    }
  }

  /** The kernel command line that boots slot A: ROOT-A checked against VERITY-A. */
  static String commandLine(BuildRequest request, VerityResult verity) {
    return commandLine(request, verity, "ROOT-A", "VERITY-A").toString();
  }

  /**
   * Joins the kernel, the initramfs and the command line into the unified kernel image the ESP gets, and when
   * {@code ukiB} is given one for slot B (ROOT-B against VERITY-B, the same root hash: B is a copy of A). Returns the
   * step's summary.
   */
  static String unifiedKernelImages(BuildRequest request, FsTree boot, VerityResult verity, Path vmlinuz, Path initrd,
      Path uki, Path ukiB) throws BuildFailure, IOException {
    String name = request.profile().name();
    UnifiedKernelImage.write(boot, request.arch(), name, commandLine(request, verity), vmlinuz, initrd, uki);
    String summary = Files.size(uki) / 1024 + " KiB";
    if (ukiB != null) {
      UnifiedKernelImage.write(boot, request.arch(), name, commandLine(request, verity, "ROOT-B", "VERITY-B").toString(),
          vmlinuz, initrd, ukiB);
      summary += " (and one for slot B)";
    }
    return summary;
  }

  /** The boot packages extracted into a tree of their own: the kernel, its modules, busybox, dmsetup. */
  static FsTree tree(BuildRequest request, List<PackageContent> packages, PackageExtractor.SharedReads shared)
      throws BuildFailure, IOException {
    try {
      return PackageExtractor.extract(packages, AssemblyPlan.mergedUsrFor(request.arch().debianArch()), Map.of(),
          BlobStore.open(request.source().cacheDir().resolve("blobs")), NodeMetadata.of(0755, 0, 0, request.sourceDateEpoch()),
          shared, placed -> { }).tree();
    } catch (PackageException e) {
      throw new BuildFailure("boot: " + e.getMessage(), e);
    }
  }

  /**
   * Refuses, before anything is written, a profile whose kernel could not boot what is built for it, by the
   * kernel's own configuration: dm-verity, ext4, squashfs with its compressor and xz filters, the initramfs
   * compression. A kernel package without {@code /boot/config-<release>} is not checked.
   */
  static void requireKernelSupport(FsTree boot, ImageProfile p) throws BuildFailure, IOException {
    KernelConfig c;
    try {
      Optional<KernelConfig> config = KernelConfig.of(boot);
      if (config.isEmpty()) {
        LOG.info("the kernel package has no /boot/config-<release>: what it can mount is not checked");
        return;
      }
      c = config.get();
    } catch (InitramfsException e) {
      throw new BuildFailure("boot: " + e.getMessage(), e);
    }
    List<String> missing = new ArrayList<>();
    need(c, "CONFIG_DM_VERITY", false, "dm-verity", missing);
    // The init mounts STATE and OEM as ext4 (and an ext4 root), and the initramfs carries no ext4 module.
    need(c, "CONFIG_EXT4_FS", true, p.rootfs().type().equals("ext4") ? "rootfs.type: ext4, STATE and OEM" : "STATE and OEM",
        missing);
    if (p.rootfs().type().equals("squashfs")) {
      need(c, "CONFIG_SQUASHFS", false, "rootfs.type: squashfs", missing);
      String comp = p.rootfs().compression();
      need(c, "CONFIG_SQUASHFS_" + (comp.equals("gzip") ? "ZLIB" : comp.toUpperCase(Locale.ROOT)), true,
          "rootfs.compression: " + comp, missing);
      for (String f : p.rootfs().xzBcj()) {
        need(c, "CONFIG_XZ_DEC_" + f.toUpperCase(Locale.ROOT), true, "rootfs.xz-bcj: " + f, missing);
      }
    }
    String rd = p.kernel().initramfsCompression();
    need(c, "CONFIG_RD_" + rd.toUpperCase(Locale.ROOT), true, "kernel.initramfs-compression: " + rd, missing);
    if (!missing.isEmpty()) {
      throw new BuildFailure("kernel " + c.release() + " cannot boot this image: its " + c.path() + " lacks "
          + String.join(", ", missing) + "; change the profile or kernel.package");
    }
  }

  private static void need(KernelConfig c, String option, boolean builtIn, String forWhat, List<String> missing) {
    if (builtIn ? !c.builtIn(option) : !c.available(option)) {
      missing.add(option + (builtIn ? "=y" : "=y or =m") + " (" + forWhat + ")");
    }
  }

  /** The kernel command line that boots the slot of {@code root} and {@code hash} onto the verified root. */
  private static KernelCommandLine commandLine(BuildRequest request, VerityResult verity, String root, String hash) {
    var vp = verity.params();
    return KernelCommandLine.of(request.arch().id(),
        KernelCommandLine.Verity.of(root, hash, vp.hashAlgorithm().kernelName(), vp.dataBlockSize(), vp.hashBlockSize(),
            vp.dataBlocks(), verity.layout().hashStartBlock(), verity.rootHash(), vp.salt()),
        KernelCommandLine.HARDENING,
        request.profile().kernel().cmdline().stream().filter(w -> !KernelCommandLine.HARDENING.contains(w)).toList());
  }
}

package io.cosbuild.rootfs.initramfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.rootfs.assembly.AssemblyPlan;
import io.cosbuild.rootfs.assembly.PackageExtractor;
import io.cosbuild.rootfs.dpkg.DebFile;
import io.cosbuild.rootfs.dpkg.PackageContent;
import io.cosbuild.rootfs.testutil.RealDebs;
import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.NodeMetadata;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds the initramfs from bookworm's real amd64 boot packages and lets the reference tools
 * judge it: GNU cpio extracts it, depmod (kmod) computes modules.dep for the same modules (plain,
 * xz- and zstd-compressed), shellcheck reads the generated /init.
 */
class InitramfsIT {

  static final List<String> WANTED = List.of("virtio_pci", "virtio_blk", "virtio_scsi", "sd_mod", "dm-verity",
      "squashfs", "overlay", "ext4");

  @TempDir static Path dir;
  static BlobStore store;
  static FsTree boot;

  @BeforeAll
  static void extractBootPackages() throws Exception {
    List<String> names = new ArrayList<>(List.of(kernelPackage("linux-image-cloud-amd64")));
    names.addAll(List.of("busybox-static", "dmsetup", "libdevmapper1.02.1", "libselinux1", "libudev1",
        "libpcre2-8-0", "libc6", "fdisk", "libfdisk1", "libsmartcols1", "libreadline8", "libtinfo6", "libblkid1", "libuuid1",
        "e2fsprogs", "libext2fs2", "libcom-err2"));
    List<PackageContent> pkgs = new ArrayList<>();
    for (Path d : RealDebs.fetch(names)) {
      pkgs.add(DebFile.read(d, null));
    }
    store = BlobStore.open(dir.resolve("blobs"));
    boot = PackageExtractor.extract(pkgs, AssemblyPlan.mergedUsrFor("amd64"), Map.of(), store,
        NodeMetadata.of(0755, 0, 0, 1_700_000_000L)).tree();
  }

  /** The versioned package a kernel metapackage depends on, as apt sees it. */
  static String kernelPackage(String meta) throws Exception {
    RealDebs.Result r = RealDebs.run(List.of("apt-cache", "depends", meta));
    return r.output().lines().map(String::trim).filter(l -> l.startsWith("Depends: linux-image-"))
        .map(l -> l.substring("Depends: ".length())).findFirst()
        .orElseThrow(() -> new IOException("apt-cache depends " + meta + ": no linux-image dependency\n" + r.output()));
  }

  static BootPlan plan() {
    return new BootPlan(WANTED, "squashfs", BootPlan.CorruptionMode.PANIC, true, true, List.of("/run", "/tmp"),
        List.of("/mnt/stateful_partition", "/var"), List.of("/mnt/stateful_partition", "/tmp", "/var"),
        List.of("/var/lib/containerd"), List.of("/var/home"), "/sbin/init");
  }

  @Test
  void gnuCpioExtractsAWorkingLayoutAndDepmodAgreesOnModulesDep() throws Exception {
    Initramfs ir = InitramfsBuilder.build(boot, plan(), store, 1_700_000_000L);
    assertEquals(List.of("ext4"), ir.modules().builtinWanted(), "ext4 is built into the cloud kernel");
    Path cpio = dir.resolve("initrd.cpio");
    try (OutputStream out = Files.newOutputStream(cpio)) {
      InitramfsBuilder.write(ir, InitramfsCompression.NONE, 1_700_000_000L, out);
    }
    Path x = Files.createDirectories(dir.resolve("x"));
    sh("cd " + x + " && cpio -idm --quiet --no-absolute-filenames < " + cpio);
    assertTrue(Files.isExecutable(x.resolve("init")));
    assertEquals(ir.init(), Files.readString(x.resolve("init")));
    // dmsetup's interpreter and libraries resolve inside the extracted tree (ld.so --list as judge)
    String ldd = sh("chroot " + x + " /lib64/ld-linux-x86-64.so.2 --list /sbin/dmsetup");
    assertTrue(ldd.contains("libdevmapper.so.1.02.1 => /lib/x86_64-linux-gnu/libdevmapper.so.1.02.1"), ldd);
    assertTrue(!ldd.contains("not found"), ldd);
    assertTrue(sh("chroot " + x + " /bin/busybox sh -c 'echo ok'").contains("ok"));
    for (String tool : List.of("sfdisk", "resize2fs", "mke2fs")) {
      String l = sh("chroot " + x + " /lib64/ld-linux-x86-64.so.2 --list /sbin/" + tool);
      assertTrue(!l.contains("not found"), tool + ": " + l);
    }
    assertTrue(sh("chroot " + x + " /sbin/sfdisk --version").contains("util-linux"));
    // The init's mke2fs has no /etc/mke2fs.conf: it must still make ext4 (journal, extents), not busybox's ext2.
    sh("truncate -s 64M " + x + "/state.img && chroot " + x + " /sbin/mke2fs -q -F -t ext4 -L STATE /state.img");
    sh("e2fsck -fn " + x + "/state.img");
    String features = sh("dumpe2fs -h " + x + "/state.img 2>/dev/null | grep -i 'features'");
    assertTrue(features.contains("has_journal") && features.contains("extent") && features.contains("metadata_csum"), features);

    Path modDir = x.resolve("lib/modules/" + ir.kernelRelease());
    String ours = Files.readString(modDir.resolve("modules.dep"));
    sh("depmod -b " + x + " " + ir.kernelRelease());
    assertSameDependencies(Files.readString(modDir.resolve("modules.dep")), ours);
    Set<String> loaded = new HashSet<>();
    for (KernelModule m : ir.modules().loadOrder()) {
      assertTrue(loaded.containsAll(m.depends()), m.name() + " loaded before one of " + m.depends());
      loaded.add(m.name());
    }
    assertTrue(loaded.containsAll(Set.of("dm_verity", "dm_mod", "dm_bufio", "virtio_blk", "virtio_pci", "squashfs",
        "overlay", "virtio_scsi", "sd_mod", "scsi_mod")), loaded.toString());

    // The same modules compressed, as other kernels ship them: depmod and ModulesDep must still agree.
    for (String ext : List.of("xz", "zst")) {
      Path c = Files.createDirectories(dir.resolve("c-" + ext + "/lib/modules/" + ir.kernelRelease()));
      sh("cp -a " + modDir + "/kernel " + c + "/ && find " + c + " -name '*.ko' -exec "
          + (ext.equals("xz") ? "xz --check=crc32" : "zstd -q --rm") + " {} +");
      ModulesDep d = ModulesDep.resolve(new DirModules(c), WANTED.stream().filter(w -> !w.equals("ext4")).toList());
      sh("depmod -b " + c.getParent().getParent().getParent() + " " + ir.kernelRelease());
      assertSameDependencies(Files.readString(c.resolve("modules.dep")), d.modulesDep());
      assertTrue(d.loadOrder().stream().allMatch(m -> m.path().endsWith(".ko." + ext)));
    }
  }

  /**
   * A module missing from the kernel package is named with why it was needed: wanted itself, or a dependency of a
   * wanted one (Debian's dm-verity without the modules it depends on).
   */
  @Test
  void aMissingModuleIsNamedWithWhyItWasNeeded() throws Exception {
    Initramfs ir = InitramfsBuilder.build(boot, plan(), store, 1_700_000_000L);
    KernelModule dmVerity = ir.modules().loadOrder().stream().filter(m -> m.name().equals("dm_verity")).findFirst()
        .orElseThrow();
    String verity = dmVerity.path();
    Path only = dir.resolve("only-verity");
    Files.createDirectories(only.resolve(verity).getParent());
    Files.write(only.resolve(verity), new InitramfsBuilder.TreeReader(boot).file("/lib/modules/" + ir.kernelRelease() + "/" + verity)
        .orElseThrow().readAllBytes());
    MissingModuleException dependency = assertThrows(MissingModuleException.class,
        () -> ModulesDep.resolve(new DirModules(only), List.of("dm-verity")));
    assertTrue(dmVerity.depends().contains(dependency.module()), dependency.module() + " not in " + dmVerity.depends());
    assertFalse(dependency.wanted());
    assertTrue(dependency.getMessage().startsWith("kernel module " + dependency.module() + " (needed by dm_verity) is not in"
        + " the kernel package"), dependency.getMessage());
    MissingModuleException wanted = assertThrows(MissingModuleException.class,
        () -> ModulesDep.resolve(new DirModules(only), List.of("no-such-module")));
    assertEquals("no_such_module", wanted.module());
    assertTrue(wanted.wanted());
  }

  @Test
  void shellcheckFindsNothingInTheGeneratedInit() throws Exception {
    Initramfs ir = InitramfsBuilder.build(boot, plan(), store, 1_700_000_000L);
    Path init = dir.resolve("init.sh");
    Files.writeString(init, ir.init());
    sh("shellcheck -s sh " + init);
  }

  /** Per module line: the same set of dependencies (depmod's tie order among equals is its own). */
  static void assertSameDependencies(String depmod, String ours) {
    Map<String, Set<String>> want = parse(depmod);
    Map<String, Set<String>> got = parse(ours);
    assertEquals(want, got);
  }

  static Map<String, Set<String>> parse(String dep) {
    Map<String, Set<String>> m = new HashMap<>();
    for (String l : dep.split("\n")) {
      if (l.isBlank()) {
        continue;
      }
      int c = l.indexOf(':');
      Set<String> deps = new TreeSet<>(List.of(l.substring(c + 1).trim().split(" +")));
      deps.remove("");
      m.put(l.substring(0, c), deps);
    }
    return m;
  }

  static String sh(String cmd) throws Exception {
    RealDebs.Result r = RealDebs.run(List.of("sh", "-c", cmd));
    assertEquals(0, r.code(), cmd + "\n" + r.output());
    return r.output();
  }

  /** Modules of a host directory laid out as {@code /lib/modules/<release>}. */
  record DirModules(Path root) implements ModuleSource {
    @Override
    public SortedSet<String> modulePaths() throws IOException {
      try (Stream<Path> s = Files.walk(root)) {
        return new TreeSet<>(s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString())
            .filter(p -> p.matches(".*\\.ko(\\.xz|\\.zst|\\.gz)?")).toList());
      }
    }

    @Override
    public byte[] read(String path) throws IOException {
      return Files.readAllBytes(root.resolve(path));
    }

    @Override
    public SortedSet<String> builtin() {
      return new TreeSet<>();
    }
  }
}

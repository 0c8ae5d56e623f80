package io.cosbuild.cli.boot;

import io.cosbuild.rootfs.assembly.AssemblyPlan;
import io.cosbuild.rootfs.assembly.PackageExtractor;
import io.cosbuild.rootfs.dpkg.DebFile;
import io.cosbuild.rootfs.dpkg.PackageContent;
import io.cosbuild.rootfs.initramfs.BootPlan;
import io.cosbuild.rootfs.initramfs.Initramfs;
import io.cosbuild.rootfs.initramfs.InitramfsBuilder;
import io.cosbuild.rootfs.initramfs.InitramfsCompression;
import io.cosbuild.rootfs.initramfs.KernelCommandLine;
import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.NodeMetadata;
import io.cosbuild.spec.model.Architecture;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds a bootable output directory (disk.raw, vmlinuz, initrd.img, manifest.json) the way the
 * pipeline will: the initramfs, kernel and command line come from cosbuild's code; the root
 * squashfs, its verity tree and the GPT come from the reference tools (mksquashfs, veritysetup,
 * sgdisk) until the pipeline's writers are wired in. Packages are bookworm's, fetched with
 * {@code apt-get download} into {@code target/debs-<arch>}.
 */
final class BootImageFixture {

  static final long EPOCH = 1_700_000_000L;
  static final List<String> BOOT_PACKAGES = List.of("busybox-static", "dmsetup", "libdevmapper1.02.1", "libselinux1",
      "libudev1", "libpcre2-8-0", "libc6", "fdisk", "libfdisk1", "libsmartcols1", "libreadline8", "libtinfo6", "libblkid1",
      "libuuid1", "e2fsprogs", "libext2fs2", "libcom-err2");
  static final List<String> MODULES = List.of("virtio_pci", "virtio_blk", "dm-verity", "squashfs", "overlay");
  /** Sectors of 512 bytes: ROOT-A 32 MiB, VERITY-A 2 MiB, STATE 48 MiB. */
  static final long ROOT_START = 2048;
  static final long ROOT_SECTORS = 65536;
  static final long VERITY_START = ROOT_START + ROOT_SECTORS;

  private BootImageFixture() {}

  static BootPlan plan(boolean statelessEtc) {
    return new BootPlan(MODULES, "squashfs", BootPlan.CorruptionMode.PANIC, statelessEtc, true, List.of("/run", "/tmp"),
        List.of("/mnt/stateful_partition", "/var"), List.of("/mnt/stateful_partition", "/tmp", "/var"),
        List.of("/var/lib/containerd"), List.of("/var/home"), "/sbin/init");
  }

  /** True when apt can fetch {@code arch}'s packages (arm64 needs dpkg --add-architecture arm64). */
  static boolean aptHas(Architecture arch) throws Exception {
    if (arch.debianArch().equals(run(List.of("dpkg", "--print-architecture"), null).strip())) {
      return true;
    }
    return run(List.of("dpkg", "--print-foreign-architectures"), null).lines().anyMatch(arch.debianArch()::equals);
  }

  static Path build(Architecture arch, Path out, Path work) throws Exception {
    return build(arch, out, work, true);
  }

  static Path build(Architecture arch, Path out, Path work, boolean statelessEtc) throws Exception {
    Path debs = fetch(arch);
    Files.createDirectories(out);
    // Boot packages -> FsTree -> initramfs (cosbuild code).
    List<PackageContent> pkgs = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(debs, "*.deb")) {
      for (Path d : ds) {
        pkgs.add(DebFile.read(d, null));
      }
    }
    pkgs.sort(java.util.Comparator.comparing(PackageContent::name));
    BlobStore store = BlobStore.open(work.resolve("blobs"));
    var boot = PackageExtractor.extract(pkgs, AssemblyPlan.mergedUsrFor(arch.debianArch()), Map.of(), store,
        NodeMetadata.of(0755, 0, 0, EPOCH)).tree();
    Initramfs ir = InitramfsBuilder.build(boot, plan(statelessEtc), store, EPOCH);
    try (OutputStream o = Files.newOutputStream(out.resolve("initrd.img"))) {
      InitramfsBuilder.write(ir, InitramfsCompression.ZSTD, EPOCH, o);
    }
    try (InputStream in = ir.kernelImage().open()) {
      Files.copy(in, out.resolve("vmlinuz"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    // Root: busybox-static and the minimal profile's init (reference tools from here on).
    Path root = work.resolve("root");
    Path bb = Files.createTempDirectory(work, "bb");
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(debs, "busybox-static_*.deb")) {
      for (Path d : ds) {
        run(List.of("dpkg-deb", "-x", d.toString(), bb.toString()), null);
      }
    }
    for (String d : List.of("bin", "sbin", "dev", "proc", "sys", "run", "tmp", "etc", "var/lib/containerd",
        "var/home", "mnt/stateful_partition", "usr/bin")) {
      Files.createDirectories(root.resolve(d));
    }
    Files.copy(bb.resolve("bin/busybox"), root.resolve("bin/busybox"));
    Files.createSymbolicLink(root.resolve("home"), Path.of("var/home"));
    Files.writeString(root.resolve("etc/hostname"), "cosbuild-test\n");
    Files.writeString(root.resolve("var/lib/template-file"), "from the image\n");
    // The minimal profile's init, as the profile ships it.
    Files.copy(Path.of("..", "profiles", "files", "minimal-init.sh"), root.resolve("sbin/init"));
    run(List.of("chmod", "-R", "u=rwX,go=rX", root.toString()), null);
    run(List.of("chmod", "0755", root.resolve("sbin/init").toString(), root.resolve("bin/busybox").toString()), null);
    Path sqfs = work.resolve("root.sqfs");
    run(List.of("mksquashfs", root.toString(), sqfs.toString(), "-noappend", "-quiet", "-no-progress", "-all-root",
        "-comp", "zstd", "-mkfs-time", Long.toString(EPOCH), "-all-time", Long.toString(EPOCH)), null);
    Path hash = work.resolve("verity.img");
    String v = run(List.of("veritysetup", "format", sqfs.toString(), hash.toString(),
        "--salt", "5a".repeat(32), "--uuid", "00000000-0000-4000-8000-000000000001"), null);
    String rootHash = field(v, "Root hash:");
    long blocks = Long.parseLong(field(v, "Data blocks:"));

    Path disk = out.resolve("disk.raw");
    Files.deleteIfExists(disk);
    run(List.of("truncate", "-s", "96M", disk.toString()), null);
    run(List.of("sgdisk", "-n", "2:" + ROOT_START + ":+" + ROOT_SECTORS, "-c", "2:ROOT-A",
        "-n", "3:" + VERITY_START + ":+4096", "-c", "3:VERITY-A", "-n", "7:0:0", "-c", "7:STATE", disk.toString()), null);
    run(List.of("dd", "if=" + sqfs, "of=" + disk, "bs=512", "seek=" + ROOT_START, "conv=notrunc", "status=none"), null);
    run(List.of("dd", "if=" + hash, "of=" + disk, "bs=512", "seek=" + VERITY_START, "conv=notrunc", "status=none"), null);

    KernelCommandLine cmd = KernelCommandLine.of(arch.id(), new KernelCommandLine.Verity("ROOT-A", "VERITY-A", "sha256",
        4096, 4096, blocks, 1, rootHash, "5a".repeat(32)), KernelCommandLine.HARDENING, List.of());
    Files.writeString(out.resolve("manifest.json"), "{\"arch\": \"" + arch.id() + "\", \"kernelCommandLine\": \""
        + cmd + "\", \"rootfsBytes\": " + Files.size(sqfs) + "}\n");
    return out;
  }

  private static String field(String out, String key) {
    return out.lines().filter(l -> l.startsWith(key)).map(l -> l.substring(key.length()).trim()).findFirst()
        .orElseThrow(() -> new IllegalStateException("no '" + key + "' in:\n" + out));
  }

  /** The boot packages and the kernel for {@code arch}, downloaded once. */
  static Path fetch(Architecture arch) throws Exception {
    Path dir = Path.of("target", "debs-" + arch.debianArch()).toAbsolutePath();
    Files.createDirectories(dir);
    String a = ":" + arch.debianArch();
    String meta = "linux-image-cloud-" + arch.debianArch();
    String kernel = run(List.of("apt-cache", "depends", meta + a), null).lines().map(String::trim)
        .filter(l -> l.startsWith("Depends: linux-image-")).map(l -> l.substring(9).replace(a, "")).findFirst()
        .orElseThrow(() -> new IOException("apt-cache depends " + meta + ": no kernel package"));
    List<String> want = new ArrayList<>(BOOT_PACKAGES);
    want.add(kernel);
    List<String> missing = new ArrayList<>();
    for (String p : want) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, p + "_*_" + arch.debianArch() + ".deb")) {
        if (!ds.iterator().hasNext()) {
          missing.add(p + a);
        }
      }
    }
    if (!missing.isEmpty()) {
      List<String> cmd = new ArrayList<>(List.of("apt-get", "download", "-q"));
      cmd.addAll(missing);
      run(cmd, dir);
    }
    return dir;
  }

  static String run(List<String> cmd, Path cwd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    if (cwd != null) {
      pb.directory(cwd.toFile());
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed:\n" + out);
    }
    return out;
  }
}

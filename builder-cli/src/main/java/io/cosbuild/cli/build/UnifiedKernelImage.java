package io.cosbuild.cli.build;

import io.cosbuild.cli.BuildFailure;
import io.cosbuild.rootfs.efi.EfiImageException;
import io.cosbuild.rootfs.efi.UkiBuilder;
import io.cosbuild.rootfs.efi.UkiSection;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.spec.model.Architecture;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The unified kernel image the ESP holds for firmware boot: systemd's EFI stub from the boot set with the
 * kernel, the initramfs and the command line (with the verity root hash) as sections, so that firmware
 * starting {@code /EFI/BOOT/BOOTX64.EFI} (or {@code BOOTAA64.EFI}) boots exactly what {@code cosbuild boot} gives
 * QEMU. Stateless.
 */
final class UnifiedKernelImage {

  /** Debian's package with systemd's EFI stub. */
  static final String STUB_PACKAGE = "systemd-boot-efi";

  private UnifiedKernelImage() {}

  /** Where the stub is in the boot set's tree. */
  static FsPath stubPath(Architecture arch) {
    return FsPath.parse("/usr/lib/systemd/boot/efi/linux" + (arch == Architecture.X86_64 ? "x64" : "aa64") + ".efi.stub");
  }

  /** The file name UEFI firmware starts from removable media (UEFI spec 3.5.1.1). */
  static String defaultBootFile(Architecture arch) {
    return arch == Architecture.X86_64 ? "BOOTX64.EFI" : "BOOTAA64.EFI";
  }

  /** A value for os-release's double quotes: its shell-like syntax escapes these four with a backslash. */
  static String osReleaseQuoted(String value) {
    return value.replaceAll("([\\\\\"$`])", "\\\\$1");
  }

  /** The EFI stub in the boot set's tree; a build checks for it before its root image is written. */
  static FsNode.RegularFile requireStub(FsTree boot, Architecture arch) throws BuildFailure {
    FsPath stub = stubPath(arch);
    if (!(boot.get(stub).orElse(null) instanceof FsNode.RegularFile f)) {
      throw new BuildFailure("boot: " + STUB_PACKAGE + " has no " + stub + ": cannot make the unified kernel image");
    }
    return f;
  }

  static void write(FsTree boot, Architecture arch, String profile, String cmdline, Path kernel, Path initrd, Path out)
      throws BuildFailure, IOException {
    FsNode.RegularFile f = requireStub(boot, arch);
    // systemd-stub shows .osrel's PRETTY_NAME in boot menus; the root's os-release names Debian, not the image.
    String name = osReleaseQuoted(profile);
    String osrel = "ID=cosbuild\nNAME=\"" + name + "\"\nPRETTY_NAME=\"" + name + " (cosbuild)\"\n";
    Path image = out.resolveSibling(out.getFileName() + ".linux.tmp");
    try {
      Path linux = arch == Architecture.ARM64 ? arm64Image(kernel, image) : kernel;
      UkiBuilder.writeFile(f.blob().location(), List.of(UkiSection.text(".osrel", osrel),
          UkiSection.text(".cmdline", cmdline), UkiSection.file(".linux", linux), UkiSection.file(".initrd", initrd)), out);
    } catch (EfiImageException e) {
      throw new BuildFailure("boot: the unified kernel image: " + e.getMessage(), e);
    } finally {
      Files.deleteIfExists(image);
    }
  }

  /**
   * The kernel as the arm64 stub starts it: an uncompressed Image, itself a PE executable. Debian's arm64
   * {@code vmlinuz} is that Image as it is; a gzipped one (as other distributions ship it, for bootloaders and QEMU's
   * {@code -kernel} to inflate) is inflated into {@code scratch}, as systemd 252's stub does not inflate. Returns the
   * path that holds the Image.
   */
  static Path arm64Image(Path vmlinuz, Path scratch) throws IOException, BuildFailure {
    byte[] head = new byte[2];
    try (InputStream in = Files.newInputStream(vmlinuz)) {
      in.readNBytes(head, 0, 2);
    }
    Path image = vmlinuz;
    if ((head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(vmlinuz)), 1 << 16)) {
        Files.copy(in, scratch, StandardCopyOption.REPLACE_EXISTING);
      } catch (ZipException | EOFException e) {
        throw new BuildFailure("boot: the arm64 kernel " + vmlinuz.getFileName() + " is gzip data that does not"
            + " inflate: " + e.getMessage(), e);
      }
      image = scratch;
    }
    // The arm64 boot protocol's header: "MZ" (the EFI stub's DOS header) at 0, the magic "ARM\x64" at 0x38.
    byte[] header = new byte[0x40];
    try (InputStream in = Files.newInputStream(image)) {
      int n = in.readNBytes(header, 0, header.length);
      if (n < header.length || header[0] != 'M' || header[1] != 'Z'
          || !Arrays.equals(Arrays.copyOfRange(header, 0x38, 0x3c), new byte[] {'A', 'R', 'M', 0x64})) {
        throw new BuildFailure("boot: the arm64 kernel " + vmlinuz.getFileName() + " is not an EFI-bootable Image"
            + " (no MZ header and ARM\\x64 magic): the unified kernel image's stub cannot start it");
      }
    }
    return image;
  }
}

package io.cosbuild.cli.build;

import io.cosbuild.cli.BuildFailure;
import io.cosbuild.rootfs.efi.EfiImageException;
import io.cosbuild.rootfs.efi.UkiBuilder;
import io.cosbuild.rootfs.efi.UkiSection;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.spec.model.Architecture;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The unified kernel image the ESP holds for firmware boot: systemd's EFI stub from the boot set with the
 * kernel, the initramfs and the command line (with the verity root hash) as sections, so that firmware
 * starting {@code /EFI/BOOT/BOOTX64.EFI} boots exactly what {@code cosbuild boot} gives QEMU. Stateless.
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

  static void write(FsTree boot, Architecture arch, String profile, String cmdline, Path kernel, Path initrd, Path out)
      throws BuildFailure, IOException {
    FsPath stub = stubPath(arch);
    if (!(boot.get(stub).orElse(null) instanceof FsNode.RegularFile f)) {
      throw new BuildFailure("boot: " + STUB_PACKAGE + " has no " + stub + ": cannot make the unified kernel image");
    }
    // systemd-stub shows .osrel's PRETTY_NAME in boot menus; the root's os-release names Debian, not the image.
    String name = osReleaseQuoted(profile);
    String osrel = "ID=cosbuild\nNAME=\"" + name + "\"\nPRETTY_NAME=\"" + name + " (cosbuild)\"\n";
    try {
      UkiBuilder.writeFile(f.blob().location(), List.of(UkiSection.text(".osrel", osrel),
          UkiSection.text(".cmdline", cmdline), UkiSection.file(".linux", kernel), UkiSection.file(".initrd", initrd)), out);
    } catch (EfiImageException e) {
      throw new BuildFailure("boot: the unified kernel image: " + e.getMessage(), e);
    }
  }
}

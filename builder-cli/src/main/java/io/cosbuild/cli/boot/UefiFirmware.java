package io.cosbuild.cli.boot;

import io.cosbuild.spec.model.Architecture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * UEFI firmware for QEMU, from Debian's packages: its code and, for Secure Boot, the variable store it starts from.
 *
 * @param code the firmware: given with {@code -bios} without Secure Boot, as the first flash device with it
 * @param vars null without Secure Boot; otherwise the variable store whose PK, KEK and db decide what the firmware
 *     starts. QEMU starts from it and never writes it back ({@code snapshot=on}).
 */
public record UefiFirmware(Path code, Path vars) {

  /** Debian's variable store that trusts only its snakeoil test key ({@code /usr/share/ovmf/PkKek-1-snakeoil.*}). */
  public static Path snakeoilVars(Architecture arch) {
    return Path.of(arch == Architecture.X86_64 ? "/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd"
        : "/usr/share/AAVMF/AAVMF_VARS.snakeoil.fd");
  }

  public boolean secureBoot() {
    return vars != null;
  }

  /**
   * The firmware for {@code arch}; with {@code vars}, the Secure Boot build (x86_64's needs SMM, which
   * {@link QemuCommand} turns on) starting from that store.
   *
   * @throws IOException naming the file that is missing and the Debian package that has it
   */
  public static UefiFirmware require(Architecture arch, Path vars) throws IOException {
    boolean x86 = arch == Architecture.X86_64;
    String pkg = x86 ? "ovmf" : "qemu-efi-aarch64";
    Path code;
    if (vars == null) {
      code = Path.of(x86 ? "/usr/share/ovmf/OVMF.fd" : "/usr/share/qemu-efi-aarch64/QEMU_EFI.fd");
    } else {
      code = Path.of(x86 ? "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd" : "/usr/share/AAVMF/AAVMF_CODE.fd");
      if (!Files.isRegularFile(vars)) {
        throw new IOException(vars + " is missing: Secure Boot starts from that UEFI variable store"
            + (vars.equals(snakeoilVars(arch)) ? " (Debian: apt-get install " + pkg + ")" : ""));
      }
    }
    if (!Files.isRegularFile(code)) {
      throw new IOException(code + " is missing: booting through UEFI firmware needs it (Debian: apt-get install " + pkg
          + ")");
    }
    return new UefiFirmware(code, vars);
  }
}

package io.cosbuild.e2e;

/**
 * {@link FirmwareBootChecks} on arm64, booted by Debian's AAVMF ({@code QEMU_EFI.fd}) under TCG: the arm64 stub's
 * section table grows over the padding after its hand-written header, and the kernel is Debian's Image as it is.
 */
class FirmwareBootArm64IT extends FirmwareBootChecks {

  @Override
  String arch() {
    return "arm64";
  }

  @Override
  String bootFile() {
    return "BOOTAA64.EFI";
  }

  @Override
  String machine() {
    return "IMAGE_FILE_MACHINE_ARM64";
  }
}

package io.cosbuild.e2e;

import io.cosbuild.spec.model.Architecture;

/** {@link SecureBootChecks} on arm64: AAVMF from Debian's snakeoil variable store, under TCG. */
class SecureBootArm64IT extends SecureBootChecks {

  @Override
  Architecture arch() {
    return Architecture.ARM64;
  }

  @Override
  String bootFile() {
    return "BOOTAA64.EFI";
  }
}

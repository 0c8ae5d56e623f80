package io.cosbuild.e2e;

import io.cosbuild.spec.model.Architecture;

/** {@link SecureBootChecks} on x86_64: OVMF's Secure Boot build (SMM) from Debian's snakeoil variable store. */
class SecureBootIT extends SecureBootChecks {

  @Override
  Architecture arch() {
    return Architecture.X86_64;
  }

  @Override
  String bootFile() {
    return "BOOTX64.EFI";
  }
}

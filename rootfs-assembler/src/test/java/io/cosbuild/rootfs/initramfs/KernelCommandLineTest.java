package io.cosbuild.rootfs.initramfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class KernelCommandLineTest {

  static KernelCommandLine.Verity verity(String salt) {
    return new KernelCommandLine.Verity("ROOT-A", "VERITY-A", "sha256", 4096, 4096, 240, 1, "ab".repeat(32), salt);
  }

  @Test
  void consolePerArchitectureThenVerityKeysThenHardeningThenProfileWords() {
    KernelCommandLine x = KernelCommandLine.of("x86_64", verity("5a".repeat(32)), List.of("slab_nomerge"), List.of("audit=1"));
    assertEquals("console=ttyS0,115200 cosbuild.root=ROOT-A cosbuild.verity.hashdev=VERITY-A cosbuild.verity.alg=sha256"
        + " cosbuild.verity.bs=4096 cosbuild.verity.hbs=4096 cosbuild.verity.blocks=240 cosbuild.verity.hashstart=1"
        + " cosbuild.verity.roothash=" + "ab".repeat(32) + " cosbuild.verity.salt=" + "5a".repeat(32)
        + " slab_nomerge audit=1", x.toString());
    assertTrue(KernelCommandLine.of("arm64", verity(""), List.of(), List.of()).toString()
        .matches("console=ttyAMA0,115200 .* cosbuild.verity.salt=-"));
  }

  @Test
  void refusesWhatTheInitOrTheKernelCannotTake() {
    assertThrows(IllegalArgumentException.class, () -> KernelCommandLine.of("riscv64", verity(""), List.of(), List.of()));
    assertThrows(IllegalArgumentException.class,
        () -> KernelCommandLine.of("x86_64", verity(""), List.of(), List.of("two words")));
    assertThrows(IllegalArgumentException.class,
        () -> KernelCommandLine.of("x86_64", verity(""), List.of(), List.of("x".repeat(2100))));
    assertThrows(IllegalArgumentException.class, () -> verity("5A"));
    assertThrows(IllegalArgumentException.class,
        () -> new KernelCommandLine.Verity("ROOT A", "VERITY-A", "sha256", 4096, 4096, 1, 1, "ab".repeat(32), ""));
    assertThrows(IllegalArgumentException.class,
        () -> new KernelCommandLine.Verity("ROOT-A", "VERITY-A", "sha256", 3000, 4096, 1, 1, "ab".repeat(32), ""));
  }
}

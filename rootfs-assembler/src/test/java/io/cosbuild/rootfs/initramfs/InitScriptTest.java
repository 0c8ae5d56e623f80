package io.cosbuild.rootfs.initramfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class InitScriptTest {

  static BootPlan plan(boolean statelessEtc, BootPlan.CorruptionMode mode) {
    return new BootPlan(List.of("dm-verity"), "ext4", mode, statelessEtc, false, List.of("/run", "/tmp"),
        List.of("/mnt/stateful_partition", "/var"), List.of("/tmp", "/var"), List.of("/var/lib/containerd"),
        List.of("/var/home"), "/sbin/init");
  }

  @Test
  void generatedBlockCarriesThePlan() {
    String s = InitScript.render(plan(false, BootPlan.CorruptionMode.RESTART), List.of("kernel/a.ko", "kernel/b.ko"));
    assertTrue(s.startsWith("#!/bin/sh\n"));
    assertTrue(s.contains("\nMODULES='kernel/a.ko kernel/b.ko'\n"), s);
    assertTrue(s.contains("\nON_CORRUPTION='restart_on_corruption'\n"));
    assertTrue(s.contains("\nSTATELESS_ETC='0'\n"));
    assertTrue(s.contains("\nROOT_FSTYPE='ext4'\n"));
    assertTrue(s.contains("\nEXEC_ALLOWED='/var/lib/containerd'\n"));
    assertFalse(s.contains("@@"), "every placeholder is filled");
    assertEquals(s, InitScript.render(plan(false, BootPlan.CorruptionMode.RESTART), List.of("kernel/a.ko", "kernel/b.ko")));
  }

  @Test
  void theInitNeverMountsTheRootWithoutDmVerity() {
    String s = InitScript.render(plan(true, BootPlan.CorruptionMode.PANIC), List.of());
    assertTrue(s.contains("dmsetup create root --readonly"));
    assertTrue(s.contains("/dev/mapper/root $NEWROOT || fatal"));
    assertFalse(s.contains("ignore_corruption"));
    assertTrue(s.lines().filter(l -> l.contains("mount")).noneMatch(l -> l.contains("$DATA_DEV")),
        "no mount command names the unverified data device");
  }

  @Test
  void cosDefaultLayoutMapsToAPlan() {
    BootPlan p = BootPlan.of(io.cosbuild.rootfs.assembly.MountLayout.cosDefault(), List.of("dm-verity"), "squashfs",
        BootPlan.CorruptionMode.PANIC, true, "/sbin/init");
    assertEquals(List.of("/run", "/tmp"), p.tmpfs());
    assertEquals(List.of("/mnt/stateful_partition", "/var"), p.stateful());
    assertEquals(List.of("/var/lib/containerd"), p.execAllowed());
    assertEquals(List.of("/var/home", "/var/local", "/var/opt", "/var/root"), p.stateDirectories());
    assertTrue(p.statelessEtc());
  }

  @Test
  void planRefusesUnsafeOrInconsistentLayouts() {
    assertThrows(IllegalArgumentException.class, () -> new BootPlan(List.of(), "squashfs", BootPlan.CorruptionMode.PANIC,
        true, false, List.of("/run", "/tmp x"), List.of(), List.of(), List.of(), List.of(), "/sbin/init"));
    assertThrows(IllegalArgumentException.class, () -> new BootPlan(List.of(), "squashfs", BootPlan.CorruptionMode.PANIC,
        true, false, List.of("/tmp"), List.of(), List.of(), List.of(), List.of(), "/sbin/init"));
    assertThrows(IllegalArgumentException.class, () -> new BootPlan(List.of(), "btrfs", BootPlan.CorruptionMode.PANIC,
        true, false, List.of("/run"), List.of(), List.of(), List.of(), List.of(), "/sbin/init"));
    assertThrows(IllegalArgumentException.class, () -> new BootPlan(List.of(), "squashfs", BootPlan.CorruptionMode.PANIC,
        true, false, List.of("/run"), List.of("/var"), List.of(), List.of("/opt/bin"), List.of(), "/sbin/init"));
    assertThrows(IllegalArgumentException.class, () -> new BootPlan(List.of("dm;reboot"), "squashfs",
        BootPlan.CorruptionMode.PANIC, true, false, List.of("/run"), List.of(), List.of(), List.of(), List.of(), "/sbin/init"));
    assertThrows(IllegalArgumentException.class, () -> BootPlan.CorruptionMode.of("ignore"));
  }
}

package io.cosbuild.cli.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.spec.model.Architecture;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class QemuCommandTest {

  static BootTarget target(Architecture a, boolean snapshot) {
    return new BootTarget(a, Path.of("/o/disk,1.raw"), Path.of("/o/vmlinuz"), Path.of("/o/initrd.img"),
        "console=ttyS0 x=1", 512, snapshot);
  }

  @Test
  void x86UsesQ35AndArm64UsesVirtWithCpuMaxUnderTcg() {
    List<String> x = QemuCommand.of(target(Architecture.X86_64, false), false);
    assertEquals("qemu-system-x86_64", x.get(0));
    assertTrue(String.join(" ", x).contains("-machine q35 -accel tcg"), x.toString());
    assertFalse(x.contains("-cpu"));
    assertTrue(x.contains("file=/o/disk,,1.raw,format=raw,if=none,id=disk0"), "commas in paths are escaped: " + x);
    assertEquals("console=ttyS0 x=1", x.get(x.indexOf("-append") + 1));
    assertTrue(x.contains("-no-reboot"));
    List<String> a = QemuCommand.of(target(Architecture.ARM64, true), false);
    assertEquals("qemu-system-aarch64", a.get(0));
    assertTrue(String.join(" ", a).contains("-machine virt -cpu max -accel tcg"), a.toString());
    assertTrue(a.stream().anyMatch(s -> s.endsWith(",snapshot=on")));
    assertTrue(String.join(" ", QemuCommand.of(target(Architecture.X86_64, false), true)).contains("-cpu host -accel kvm"));
  }

  @Test
  void extraDisksFollowTheImagesDiskInOrder() {
    BootTarget t = target(Architecture.X86_64, true).withDisks(Path.of("/o/a.raw"), List.of(Path.of("/o/b.raw"),
        Path.of("/o/c.raw")));
    String c = String.join(" ", QemuCommand.of(t, false));
    assertTrue(c.endsWith("-drive file=/o/a.raw,format=raw,if=none,id=disk0,snapshot=on -device virtio-blk-pci,drive=disk0"
        + " -drive file=/o/b.raw,format=raw,if=none,id=disk1,snapshot=on -device virtio-blk-pci,drive=disk1"
        + " -drive file=/o/c.raw,format=raw,if=none,id=disk2,snapshot=on -device virtio-blk-pci,drive=disk2"), c);
  }

  @Test
  void panicMarkers() {
    assertTrue(QemuRunner.panicked("[ 3.6] Kernel panic - not syncing: dm-verity device corrupted"));
    assertFalse(QemuRunner.panicked("cosbuild: ready"));
  }
}

package io.cosbuild.rootfs.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.rootfs.audit.AuditCheck;
import io.cosbuild.rootfs.dpkg.DebFile;
import io.cosbuild.rootfs.dpkg.PackageContent;
import io.cosbuild.rootfs.tar.PaxTarWriter;
import io.cosbuild.rootfs.testutil.RealDebs;
import io.cosbuild.rootfs.tree.BlobStore;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The minimal profile's root: busybox-static (which ships only /bin/busybox) with an applet link
 * /bin/sh -> busybox, as the minimal init would create. The judge is the kernel: chroot runs
 * /bin/sh or fails to find it.
 */
class MinimalProfileIT {

  static List<Path> debs;
  @TempDir Path dir;

  @BeforeAll
  static void fetch() throws Exception {
    debs = RealDebs.fetch(List.of("base-passwd", "busybox-static"));
  }

  AssemblyPlan plan(boolean removeShells, Set<AuditCheck> errors) throws Exception {
    List<PackageContent> pkgs = new ArrayList<>();
    for (Path d : debs) {
      pkgs.add(DebFile.read(d, null));
    }
    return AssemblyPlan.builder("minimal-test", pkgs, BlobStore.open(dir.resolve("blobs")), 1_700_000_000L)
        .overlaySymlink("/bin/sh", "busybox")
        .hardening(HardeningOptions.none().withRemoveShells(removeShells))
        .auditErrors(errors)
        .build();
  }

  Path unpack(AssemblyResult r, String name) throws Exception {
    Path tar = dir.resolve(name + ".tar");
    try (OutputStream out = Files.newOutputStream(tar)) {
      PaxTarWriter.write(r.tree(), out, 1_700_000_000L);
    }
    Path root = Files.createDirectories(dir.resolve(name));
    assertEquals(0, RealDebs.run(List.of("tar", "-xpf", tar.toString(), "--numeric-owner", "-C", root.toString())).code());
    return root;
  }

  @Test
  void withShellsKeptBinShIsBusyboxAndTheAuditSaysSo() throws Exception {
    AssemblyResult r = RootfsAssembler.assemble(plan(false, Set.of()));
    assertEquals("/usr/bin/busybox", r.audit().binSh());
    assertTrue(r.audit().findings().get(AuditCheck.SHELL_REACHABLE).contains("/bin/sh -> /usr/bin/busybox"));
    Path root = unpack(r, "kept");
    RealDebs.Result sh = RealDebs.run(List.of("chroot", root.toString(), "/bin/sh", "-c", "echo shell-works"));
    assertEquals(0, sh.code(), sh.output());
    assertEquals("shell-works", sh.output().strip());
  }

  @Test
  void withShellsRemovedNoShellIsReachable() throws Exception {
    AssemblyResult r = RootfsAssembler.assemble(plan(true, Set.of(AuditCheck.SHELL_REACHABLE)));
    assertNull(r.audit().binSh());
    assertEquals(List.of(), r.audit().findings().get(AuditCheck.SHELL_REACHABLE));
    assertTrue(r.audit().toText().contains("/bin/sh: not reachable (no shell)"));
    assertTrue(r.shells().removed().containsAll(List.of("/usr/bin/busybox", "/usr/bin/sh")), r.shells().toString());
    Path root = unpack(r, "removed");
    assertFalse(Files.exists(root.resolve("usr/bin/busybox")));
    RealDebs.Result sh = RealDebs.run(List.of("chroot", root.toString(), "/bin/sh", "-c", "true"));
    assertNotEquals(0, sh.code());
    assertTrue(sh.output().contains("No such file"), sh.output());
  }

  @Test
  void aReachableShellFailsWhenTheProfileMakesItAnError() throws Exception {
    AuditFailedException e = assertThrows(AuditFailedException.class,
        () -> RootfsAssembler.assemble(plan(false, Set.of(AuditCheck.SHELL_REACHABLE))));
    assertEquals(List.of(AuditCheck.SHELL_REACHABLE), e.report().failedChecks());
    assertTrue(e.getMessage().contains("(ERROR)\n  /bin/busybox -> /usr/bin/busybox\n  /bin/sh -> /usr/bin/busybox\n"), e.getMessage());
  }
}

package io.cosbuild.e2e;

import static io.cosbuild.e2e.Tools.cosbuild;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cosbuild.cli.BootCommand;
import io.cosbuild.cli.boot.Accel;
import io.cosbuild.cli.boot.BootOutcome;
import io.cosbuild.cli.boot.BootTarget;
import io.cosbuild.cli.boot.QemuRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kernel.keep-modules: true}: the kernel package's modules and their indexes are in the root,
 * the SBOM lists the kernel package, and the booted guest loads a module the initramfs did not
 * (br_netfilter, with bridge, stp and llc under it, as a container network needs) with modprobe.
 */
class KernelModulesImageIT {

  @TempDir Path work;

  @Test
  void theBootedGuestLoadsAModuleFromTheRoot() throws Exception {
    Path minimal = Path.of("..", "profiles", "minimal.yaml").toAbsolutePath().normalize();
    Path profile = Files.writeString(work.resolve("modules.yaml"), "extends: " + minimal + "\nkernel:\n  keep-modules: true\n");
    Path out = work.resolve("out");
    Tools.Result r = cosbuild("image", "--profile", profile.toString(), "--arch", "x86_64", "--out", out.toString(),
        "--source-date-epoch", MinimalImageIT.EPOCH, "--format", "raw");
    assertEquals(0, r.code(), r.out() + r.err());
    JsonNode sbom = MinimalImageIT.JSON.readTree(out.resolve("sbom.spdx.json").toFile());
    assertTrue(sbom.get("packages").findValuesAsText("name").stream().anyMatch(n -> n.matches("linux-image-\\d.*")),
        sbom.toString());

    BootTarget t = BootCommand.target(out, null, List.of(), 512, true);
    try (QemuRunner q = QemuRunner.start(t, Accel.AUTO, s -> { }, n -> { })) {
      assertEquals(BootOutcome.FOUND, q.waitFor(Guest.READY, MinimalImageIT.BOOT), q.console());
      int mark = q.console().length();
      q.send("B=$(test -e /sys/module/br_netfilter && echo loaded || echo absent); busybox modprobe br_netfilter;"
          + " echo M-$B-$(cat /sys/module/br_netfilter/initstate)-$(cat /sys/module/bridge/initstate)-"
          + "$(ls /usr/lib/modules/$(uname -r)/modules.dep.bin)-M");
      assertEquals(BootOutcome.FOUND, q.waitFor("/modules.dep.bin-M", mark, Duration.ofSeconds(60)),
          q.console().substring(mark));
      String reply = q.console().substring(mark);
      assertTrue(reply.contains("M-absent-live-live-/usr/lib/modules/"), "br_netfilter loaded by modprobe, not before:\n"
          + reply);
    }
  }
}

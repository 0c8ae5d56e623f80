package io.cosbuild.e2e;

import static io.cosbuild.e2e.Tools.cosbuild;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.cli.BootCommand;
import io.cosbuild.cli.boot.Accel;
import io.cosbuild.cli.boot.BootOutcome;
import io.cosbuild.cli.boot.BootTarget;
import io.cosbuild.cli.boot.QemuRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The minimal profile built for arm64 on this x86_64 host boots under qemu-system-aarch64 (TCG). */
class MinimalArm64IT {

  @TempDir Path work;

  @Test
  void arm64ImageBootsWithTheLayoutInForce() throws Exception {
    Path out = work.resolve("out");
    Tools.Result r = cosbuild("image", "--profile", "minimal", "--arch", "arm64", "--out", out.toString(),
        "--source-date-epoch", MinimalImageIT.EPOCH);
    assertEquals(0, r.code(), r.out() + r.err());
    MinimalImageIT.assertGptMatchesManifest(out.resolve("disk.raw"),
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.resolve("manifest.json").toFile()));
    Tools.Result v = cosbuild("verify", out.toString());
    assertEquals(0, v.code(), v.out() + v.err());
    BootTarget t = BootCommand.target(out, null, List.of("cosbuild.selftest=1"), 512, true);
    try (QemuRunner q = QemuRunner.start(t, Accel.AUTO, s -> { }, n -> { })) {
      assertEquals("tcg", q.accel(), "arm64 guests run emulated on an x86_64 host");
      assertEquals(BootOutcome.FOUND, q.waitFor(Guest.READY, Duration.ofSeconds(400)), q.console());
      Guest.assertSelfTestPassed(q.console(), 11);
      assertTrue(q.console().contains("console=ttyAMA0"), "arm64 console on the PL011");
    }
  }
}

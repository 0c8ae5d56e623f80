package io.cosbuild.cli.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.cli.BootCommand;
import io.cosbuild.cli.Main;
import io.cosbuild.spec.model.Architecture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boots images under QEMU (TCG) and reads the guest's console: the initramfs opens the root with
 * dm-verity, the mount layout is in force (the minimal init's self-test), /etc is stateless and
 * /var stateful across a reboot, and a flipped byte in ROOT-A ends the boot in a dm-verity panic.
 */
class BootIT {

  static final String READY = "cosbuild: ready";
  static final Duration BOOT = Duration.ofSeconds(240);

  @TempDir Path work;

  @Test
  void x86VerifiedRootLayoutAndStateAcrossReboot() throws Exception {
    Path out = BootImageFixture.build(Architecture.X86_64, work.resolve("out"), work);
    BootTarget t = BootCommand.target(out, null, List.of("cosbuild.selftest=1"), 512, false);
    try (QemuRunner q = QemuRunner.start(t, Accel.AUTO, s -> { }, n -> { })) {
      assertEquals(BootOutcome.FOUND, q.waitFor(READY, BOOT), q.console());
      System.out.printf("x86_64 first boot: ready after %.1f s on %s%n", q.elapsed().toMillis() / 1000.0, q.accel());
      String c = q.console();
      assertSelfTestPassed(c);
      assertTrue(c.contains("first boot: /var from the image's template"), c);
      assertTrue(c.contains("formatting STATE"), c);
      int mark = c.length();
      q.send("echo one > /etc/cosbuild-persist; echo one > /var/cosbuild-persist; "
          + "echo W-$(cat /var/lib/template-file)-W; sync; poweroff -f");
      assertEquals(BootOutcome.FOUND, q.waitFor("W-from the image-W", mark, Duration.ofSeconds(60)), q.console());
      assertTrue(q.waitForExit(Duration.ofSeconds(60)), "poweroff -f ends QEMU");
    }
    try (QemuRunner q = QemuRunner.start(t, Accel.TCG, s -> { }, n -> { })) {
      assertEquals(BootOutcome.FOUND, q.waitFor(READY, BOOT), q.console());
      String c = q.console();
      assertFalse(c.contains("formatting STATE"), "STATE is formatted on first boot only:\n" + c);
      assertSelfTestPassed(c);
      int mark = c.length();
      q.send("echo R-$(cat /var/cosbuild-persist)-$(cat /etc/cosbuild-persist 2>/dev/null || echo gone)-R");
      assertEquals(BootOutcome.FOUND, q.waitFor("R-one-gone-R", mark, Duration.ofSeconds(60)),
          "/var keeps its file, /etc does not:\n" + q.console().substring(mark));
    }
  }

  @Test
  void statefulEtcKeepsChangesAcrossReboot() throws Exception {
    Path out = BootImageFixture.build(Architecture.X86_64, work.resolve("out"), work, false);
    BootTarget t = BootCommand.target(out, null, List.of(), 512, false);
    try (QemuRunner q = QemuRunner.start(t, Accel.AUTO, s -> { }, n -> { })) {
      assertEquals(BootOutcome.FOUND, q.waitFor(READY, BOOT), q.console());
      int mark = q.console().length();
      q.send("echo kept > /etc/cosbuild-persist; echo E-$(cat /etc/hostname)-E; sync; poweroff -f");
      assertEquals(BootOutcome.FOUND, q.waitFor("E-cosbuild-test-E", mark, Duration.ofSeconds(60)), q.console());
      assertTrue(q.waitForExit(Duration.ofSeconds(60)), "poweroff -f ends QEMU");
    }
    try (QemuRunner q = QemuRunner.start(t, Accel.TCG, s -> { }, n -> { })) {
      assertEquals(BootOutcome.FOUND, q.waitFor(READY, BOOT), q.console());
      assertTrue(q.console().contains("upperdir=/newroot/mnt/stateful_partition/etc-overlay/upper"), q.console());
      int mark = q.console().length();
      q.send("echo S-$(cat /etc/cosbuild-persist)-S");
      assertEquals(BootOutcome.FOUND, q.waitFor("S-kept-S", mark, Duration.ofSeconds(60)), q.console().substring(mark));
    }
  }

  @Test
  void tamperedRootPanicsInDmVerityAndNeverReachesTheMarker() throws Exception {
    Path out = BootImageFixture.build(Architecture.X86_64, work.resolve("out"), work);
    long rootBytes = Long.parseLong(field(Files.readString(out.resolve("manifest.json")), "rootfsBytes"));
    // The squashfs tables at the end of the image are read when the root is mounted.
    long offset = BootImageFixture.ROOT_START * 512 + rootBytes - 300;
    try (RandomAccessFile f = new RandomAccessFile(out.resolve("disk.raw").toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 0x01);
    }
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int code = Main.run(new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8),
        "boot", out.toString(), "--expect", READY, "--timeout", "240");
    String console = o.toString(StandardCharsets.UTF_8);
    assertEquals(Main.FAILED, code, console + e);
    String err = e.toString(StandardCharsets.UTF_8);
    System.out.println(err);
    assertTrue(err.contains("kernel panic"), err);
    assertTrue(err.matches("(?s).*guest on (kvm|tcg).*"), err);
    assertTrue(console.matches("(?s).*device-mapper: verity: .* is corrupted.*"), console);
    assertFalse(console.contains(READY), console);
  }

  @Test
  void arm64BootsTheSameLayout() throws Exception {
    Assumptions.assumeTrue(BootImageFixture.aptHas(Architecture.ARM64),
        "arm64 packages need: dpkg --add-architecture arm64 && apt-get update");
    Path out = BootImageFixture.build(Architecture.ARM64, work.resolve("out"), work);
    BootTarget t = BootCommand.target(out, null, List.of("cosbuild.selftest=1"), 512, true);
    try (QemuRunner q = QemuRunner.start(t, Accel.AUTO, s -> { }, n -> { })) {
      assertEquals("tcg", q.accel());
      assertEquals(BootOutcome.FOUND, q.waitFor(READY, Duration.ofSeconds(400)), q.console());
      System.out.printf("arm64: ready after %.1f s on %s%n", q.elapsed().toMillis() / 1000.0, q.accel());
      assertSelfTestPassed(q.console());
      assertTrue(q.console().contains("console=ttyAMA0"), "arm64 console on the PL011");
    }
  }

  static void assertSelfTestPassed(String console) {
    Matcher m = Pattern.compile("cosbuild-selftest: (\\d+) passed, (\\d+) failed").matcher(console);
    assertTrue(m.find(), console);
    assertEquals("0", m.group(2), console);
    assertTrue(Integer.parseInt(m.group(1)) >= 12, console);
  }

  static String field(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\": (\\d+)").matcher(json);
    assertTrue(m.find(), json);
    return m.group(1);
  }
}

package io.cosbuild.e2e;

import static io.cosbuild.e2e.Tools.cosbuild;
import static io.cosbuild.e2e.Tools.ok;
import static io.cosbuild.e2e.Tools.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import io.cosbuild.cli.BootCommand;
import io.cosbuild.cli.boot.Accel;
import io.cosbuild.cli.boot.BootOutcome;
import io.cosbuild.cli.boot.BootTarget;
import io.cosbuild.cli.boot.QemuRunner;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The minimal profile end to end on x86_64: build, check the disk with the reference tools (sgdisk,
 * sfdisk, veritysetup, unsquashfs, the kernel's loop mount), verify offline, boot under QEMU with the
 * in-guest self-test, reboot for persistence, and refuse a tampered root.
 */
class MinimalImageIT {

  static final String EPOCH = "1700000000";
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration BOOT = Duration.ofSeconds(240);

  @TempDir static Path work;
  static Path out;
  static JsonNode manifest;

  @BeforeAll
  static void build() throws Exception {
    out = work.resolve("out");
    Tools.Result r = cosbuild("image", "--profile", "minimal", "--arch", "x86_64", "--out", out.toString(),
        "--source-date-epoch", EPOCH, "--format", "raw,qcow2");
    assertEquals(0, r.code(), r.out() + r.err());
    manifest = JSON.readTree(out.resolve("manifest.json").toFile());
  }

  @Test
  void gptAgreesWithTheManifestAndSgdisk() throws Exception {
    assertGptMatchesManifest(out.resolve("disk.raw"), manifest);
  }

  /** sgdisk -v finds no problem and sfdisk --json lists exactly the manifest's partitions. */
  static void assertGptMatchesManifest(Path disk, JsonNode manifest) throws Exception {
    String v = ok("sgdisk", "-v", disk.toString());
    assertTrue(v.contains("No problems found"), v);
    JsonNode table = JSON.readTree(ok("sfdisk", "--json", disk.toString())).get("partitiontable");
    assertEquals(manifest.get("disk").get("diskGuid").asText().toUpperCase(), table.get("id").asText().toUpperCase());
    Map<Integer, JsonNode> byNumber = new HashMap<>();
    for (JsonNode p : table.get("partitions")) {
      String node = p.get("node").asText();
      byNumber.put(Integer.parseInt(node.substring(node.lastIndexOf('w') + 1)), p);
    }
    assertEquals(manifest.get("disk").get("partitions").size(), byNumber.size());
    for (JsonNode m : manifest.get("disk").get("partitions")) {
      JsonNode p = byNumber.get(m.get("number").asInt());
      assertEquals(m.get("name").asText(), p.get("name").asText());
      assertEquals(m.get("typeGuid").asText().toUpperCase(), p.get("type").asText().toUpperCase());
      assertEquals(m.get("partitionGuid").asText().toUpperCase(), p.get("uuid").asText().toUpperCase());
      assertEquals(m.get("firstLba").asLong(), p.get("start").asLong());
      assertEquals(m.get("lastLba").asLong() - m.get("firstLba").asLong() + 1, p.get("size").asLong());
      // 16 hex digits as sgdisk prints them: a JSON string, since a 64-bit number is beyond what jq holds exactly
      String info = ok("sgdisk", "-i", m.get("number").asText(), disk.toString());
      assertTrue(m.get("attributes").isTextual(), m.toString());
      assertTrue(info.contains("Attribute flags: " + m.get("attributes").asText() + "\n"), info + m);
    }
  }

  @Test
  void veritysetupAcceptsRootAAndTheKernelMountsIt() throws Exception {
    Path disk = out.resolve("disk.raw");
    JsonNode root = partition(2);
    JsonNode hash = partition(3);
    String data = ok("losetup", "--find", "--show", "--read-only", "--offset", offset(root), "--sizelimit", size(root), disk.toString()).trim();
    String tree = ok("losetup", "--find", "--show", "--read-only", "--offset", offset(hash), "--sizelimit", size(hash), disk.toString()).trim();
    Path mnt = Files.createDirectories(work.resolve("mnt"));
    try {
      String rootHash = manifest.get("verity").get("rootHash").asText();
      ok("veritysetup", "verify", data, tree, rootHash);
      String sb = ok("unsquashfs", "-s", data);
      assertTrue(sb.contains("Found a valid SQUASHFS 4:0 superblock"), sb);
      ok("mount", "-t", "squashfs", "-o", "ro", data, mnt.toString());
      assertMinimalRoot(mnt);
    } finally {
      run("umount", mnt.toString());
      run("losetup", "-d", data);
      run("losetup", "-d", tree);
    }
  }

  /** The minimal profile's root, as the kernel mounted it at {@code mnt}. */
  static void assertMinimalRoot(Path mnt) {
    assertTrue(Files.isRegularFile(mnt.resolve("usr/bin/busybox")), "busybox in the root");
    assertTrue(Files.isExecutable(mnt.resolve("sbin/init")), "the profile's init");
    assertTrue(Files.isDirectory(mnt.resolve("usr/share/factory/etc")), "pristine /etc for a stateless /etc");
  }

  @Test
  void qcow2IsCheckedAndIdenticalToTheRawDisk() throws Exception {
    ok("qemu-img", "check", out.resolve("disk.qcow2").toString());
    String cmp = ok("qemu-img", "compare", "-f", "raw", "-F", "qcow2", out.resolve("disk.raw").toString(), out.resolve("disk.qcow2").toString());
    assertTrue(cmp.contains("Images are identical"), cmp);
  }

  @Test
  void verifyAcceptsTheImageAndNamesATamperedRoot() throws Exception {
    Tools.Result good = cosbuild("verify", out.toString());
    assertEquals(0, good.code(), good.out() + good.err());
    Path bad = copyOutputs("tampered-verify");
    flipByte(bad.resolve("disk.raw"), partition(2).get("firstLba").asLong() * 512 + 8192);
    Tools.Result r = cosbuild("verify", bad.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("ROOT-A"), r.out());
  }

  /**
   * A manifest from before version 3 wrote the attribute field as a signed decimal number: still read as such. In a
   * version 3 manifest a changed field is named, and a number where the hex digits belong is refused.
   */
  @Test
  void verifyReadsTheAttributesOfEachManifestVersion() throws Exception {
    Path dir = copyOutputs("manifest-versions");
    Path file = dir.resolve("manifest.json");
    ObjectNode v2 = (ObjectNode) manifest.deepCopy();
    v2.put("manifestVersion", 2);
    for (JsonNode p : v2.get("disk").get("partitions")) {
      ((ObjectNode) p).put("attributes", Long.parseUnsignedLong(p.get("attributes").asText(), 16));
      ((ObjectNode) p).remove("flags");
    }
    assertTrue(v2.toString().contains("\"attributes\":-"), "ROOT-B's no-auto bit makes a negative number: " + v2);
    JSON.writeValue(file.toFile(), v2);
    Tools.Result old = cosbuild("verify", dir.toString());
    assertEquals(0, old.code(), old.out() + old.err());

    ObjectNode changed = (ObjectNode) manifest.deepCopy();
    ObjectNode rootA = (ObjectNode) partitionOf(changed, 2);
    long bits = Long.parseUnsignedLong(rootA.get("attributes").asText(), 16);
    rootA.put("attributes", String.format("%016x", bits & ~(1L << 60)));
    JSON.writeValue(file.toFile(), changed);
    Tools.Result r = cosbuild("verify", dir.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("partition 2 (ROOT-A): attributes on the disk are"), r.out());

    rootA.put("attributes", bits);
    JSON.writeValue(file.toFile(), changed);
    Tools.Result number = cosbuild("verify", dir.toString());
    assertEquals(1, number.code(), number.out() + number.err());
    assertTrue(number.out().contains("partition 2: attributes \"" + bits + "\" is not 16 hex digits"), number.out());
  }

  @Test
  void verifyNamesATamperedQcow2AuditAndAnOutputLeftOver() throws Exception {
    Path bad = copyOutputs("tampered-outputs");
    flipByte(bad.resolve("disk.qcow2"), Files.size(bad.resolve("disk.qcow2")) / 2);
    flipByte(bad.resolve("audit.json"), 10);
    Files.writeString(bad.resolve("disk.tar.gz"), "not from this build"); // this build was raw,qcow2
    Tools.Result r = cosbuild("verify", bad.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("disk.qcow2: sha256"), r.out());
    assertTrue(r.out().contains("audit.json: sha256"), r.out());
    assertTrue(r.out().contains("disk.tar.gz: in " + bad + " but not in manifest.json"), r.out());
  }

  /**
   * Every output, not only the disk: the manifest lists the others' digests, so it is the same only if they are.
   * The second build runs as another machine would (see {@link Tools#cosbuildElsewhere}).
   */
  @Test
  void sameInputsGiveTheSameOutputs() throws Exception {
    Path again = work.resolve("again");
    Tools.Result r = Tools.cosbuildElsewhere(Files.createDirectories(work.resolve("elsewhere")), "image", "--profile",
        "minimal", "--arch", "x86_64", "--out", again.toString(), "--source-date-epoch", EPOCH, "--lock",
        out.resolve("cosbuild.lock").toString(), "--format", "raw,qcow2");
    assertEquals(0, r.code(), r.out());
    Tools.assertSameOutputs(out, again);
    assertEquals(Files.readString(out.resolve("manifest.json")), Files.readString(again.resolve("manifest.json")));
  }

  @Test
  void bootsWithTheLayoutInForceAndKeepsOnlyVarAcrossReboot() throws Exception {
    // The guest writes STATE: boot a copy so the other tests see the disk as built.
    Path copy = copyOutputs("boot");
    // Site configuration as a provisioning step would put it on OEM, written with e2fsprogs.
    Path site = work.resolve("site.conf");
    Files.writeString(site, "oem-site-config\n");
    long oemOffset = partition(6).get("firstLba").asLong() * 512;
    ok("debugfs", "-w", "-R", "write " + site + " site.conf", copy.resolve("disk.raw") + "?offset=" + oemOffset);
    BootTarget t = BootCommand.target(copy, null, List.of("cosbuild.selftest=1"), 512, false);
    try (QemuRunner q = QemuRunner.start(t, Accel.AUTO, s -> { }, n -> { })) {
      assertEquals(BootOutcome.FOUND, q.waitFor(Guest.READY, BOOT), q.console());
      String c = q.console();
      Guest.assertSelfTestPassed(c, 12);
      assertTrue(c.contains("cosbuild-check oem-read-only-noexec: PASS"), c);
      int mark = c.length();
      q.send("echo O-$(cat /usr/share/oem/site.conf)-O");
      assertEquals(BootOutcome.FOUND, q.waitFor("O-oem-site-config-O", mark, Duration.ofSeconds(60)),
          "OEM's file is readable at /usr/share/oem:\n" + q.console().substring(mark));
      mark = q.console().length();
      q.send("echo one > /etc/cosbuild-persist; echo one > /var/cosbuild-persist; echo W-$(echo written)-W; sync; poweroff -f");
      assertEquals(BootOutcome.FOUND, q.waitFor("W-written-W", mark, Duration.ofSeconds(60)), q.console());
      assertTrue(q.waitForExit(Duration.ofSeconds(60)), "poweroff -f ends QEMU");
    }
    try (QemuRunner q = QemuRunner.start(t, Accel.TCG, s -> { }, n -> { })) {
      assertEquals(BootOutcome.FOUND, q.waitFor(Guest.READY, BOOT), q.console());
      Guest.assertSelfTestPassed(q.console(), 12);
      int mark = q.console().length();
      q.send("echo R-$(cat /var/cosbuild-persist)-$(cat /etc/cosbuild-persist 2>/dev/null || echo gone)-R");
      assertEquals(BootOutcome.FOUND, q.waitFor("R-one-gone-R", mark, Duration.ofSeconds(60)),
          "/var keeps its file, the stateless /etc does not:\n" + q.console().substring(mark));
    }
  }

  @Test
  void growsStateToAnEnlargedDiskOnceKeepingItsFiles() throws Exception {
    Path copy = copyOutputs("grow");
    Path disk = copy.resolve("disk.raw");
    JsonNode state = partition(7);
    Path keep = work.resolve("keep.txt");
    Files.writeString(keep, "kept-across-growth\n");
    ok("debugfs", "-w", "-R", "write " + keep + " keep.txt", disk + "?offset=" + offset(state));
    // As a cloud VM's larger disk or qemu-img resize leaves it: the backup GPT is no longer at the end.
    ok("truncate", "-s", "+1G", disk.toString());
    long sectors = Files.size(disk) / 512;
    long end = (sectors - 33) / 2048 * 2048 - 1; // the last 1 MiB boundary before the backup GPT
    BootTarget t = BootCommand.target(copy, null, List.of("cosbuild.selftest=1"), 512, false);
    try (QemuRunner q = QemuRunner.start(t, Accel.AUTO, s -> { }, n -> { })) {
      assertEquals(BootOutcome.FOUND, q.waitFor(Guest.READY, BOOT), q.console());
      String c = q.console();
      Guest.assertSelfTestPassed(c, 12);
      long mib = (end - state.get("firstLba").asLong() + 1) / 2048;
      assertTrue(c.contains("growing STATE (/dev/vda7) from " + Long.parseLong(size(state)) / 1048576 + " MiB to " + mib + " MiB"), c);
      assertTrue(c.contains("STATE's filesystem grown"), c);
      int mark = c.length();
      q.send("echo G-$(cat /mnt/stateful_partition/keep.txt)-$(df -k /mnt/stateful_partition | tail -n 1 | tr -s ' ' | cut -d ' ' -f 2)-G;"
          + " sync; poweroff -f");
      assertEquals(BootOutcome.FOUND, q.waitFor("G-kept-across-growth-", mark, Duration.ofSeconds(60)), q.console().substring(mark));
      assertTrue(q.waitForExit(Duration.ofSeconds(60)), "poweroff -f ends QEMU");
    }
    // The reference tools on the grown disk: a valid GPT with its backup at the end, STATE (same name,
    // type and UUID) to the last MiB boundary, every other partition where it was, and a clean filesystem
    // that fills STATE and still holds the file.
    String v = ok("sgdisk", "-v", disk.toString());
    assertTrue(v.contains("No problems found"), v);
    JsonNode table = JSON.readTree(ok("sfdisk", "--json", disk.toString())).get("partitiontable");
    assertEquals(sectors - 34, table.get("lastlba").asLong(), table.toString());
    for (JsonNode p : table.get("partitions")) {
      String node = p.get("node").asText();
      JsonNode m = partition(Integer.parseInt(node.substring(node.lastIndexOf('w') + 1)));
      assertEquals(m.get("partitionGuid").asText().toUpperCase(), p.get("uuid").asText().toUpperCase());
      assertEquals(m.get("name").asText(), p.get("name").asText());
      assertEquals(m.get("firstLba").asLong(), p.get("start").asLong());
      long last = m.get("number").asInt() == 7 ? end : m.get("lastLba").asLong();
      assertEquals(last - m.get("firstLba").asLong() + 1, p.get("size").asLong(), p.toString());
    }
    long bytes = (end - state.get("firstLba").asLong() + 1) * 512;
    String loop = ok("losetup", "--show", "-f", "-r", "-o", offset(state), "--sizelimit", Long.toString(bytes), disk.toString()).strip();
    try {
      ok("e2fsck", "-fn", loop);
      String sb = ok("dumpe2fs", "-h", loop);
      java.util.regex.Matcher blocks = java.util.regex.Pattern.compile("Block count:\\s+(\\d+)").matcher(sb);
      assertTrue(blocks.find(), sb);
      assertEquals(bytes / 4096, Long.parseLong(blocks.group(1)), "the filesystem fills the grown partition");
      assertEquals("kept-across-growth\n", ok("debugfs", "-R", "cat keep.txt", loop));
    } finally {
      ok("losetup", "-d", loop);
    }
    // On its own (a disk taken from a machine, without the build's manifest), the grown disk verifies: GPT
    // and the root's verity tree, whose root hash its partition UUIDs spell.
    Path alone = Files.createDirectories(work.resolve("grown-alone")).resolve("disk.raw");
    ok("cp", "--sparse=always", disk.toString(), alone.toString());
    Tools.Result verified = cosbuild("verify", alone.toString());
    assertEquals(0, verified.code(), verified.out() + verified.err());
    assertTrue(verified.out().contains("no manifest"), verified.out());
    flipByte(alone, partition(2).get("firstLba").asLong() * 512 + 8192);
    Tools.Result tampered = cosbuild("verify", alone.toString());
    assertEquals(1, tampered.code(), tampered.out() + tampered.err());
    assertTrue(tampered.out().contains("ROOT-A"), tampered.out());
    // The next boot finds nothing to grow.
    try (QemuRunner q = QemuRunner.start(t, Accel.TCG, s -> { }, n -> { })) {
      assertEquals(BootOutcome.FOUND, q.waitFor(Guest.READY, BOOT), q.console());
      assertFalse(q.console().contains("growing STATE"), q.console());
      assertFalse(q.console().contains("filesystem grown"), q.console());
    }
  }

  @Test
  void bootsFromItsOwnDiskWhenAnotherCosbuildDiskComesFirst() throws Exception {
    // A disk with the same partition names, attached first: its ROOT-A is corrupt (booting it would
    // panic) and its partition UUID is not the one the root hash names.
    Path other = copyOutputs("other-disk").resolve("disk.raw");
    ok("sgdisk", "-u", "2:11111111-2222-4333-8444-555555555555", other.toString());
    flipByte(other, partition(2).get("firstLba").asLong() * 512 + 65536);
    BootTarget own = BootCommand.target(out, null, List.of("cosbuild.selftest=1"), 512, true);
    BootTarget t = own.withDisks(other, List.of(own.disk()));
    try (QemuRunner q = QemuRunner.start(t, Accel.TCG, s -> { }, n -> { })) {
      assertEquals(BootOutcome.FOUND, q.waitFor(Guest.READY, BOOT), q.console());
      String c = q.console();
      Guest.assertSelfTestPassed(c, 12);
      assertTrue(c.contains("ROOT-A (/dev/vdb2) hashes VERITY-A (/dev/vdb3) on vdb"), c);
      assertTrue(c.contains("/dev/vdb7 /mnt/stateful_partition ") && c.contains("/dev/vdb6 /usr/share/oem "),
          "STATE and OEM from the root's disk:\n" + c);
    }
  }

  @Test
  void aTamperedRootDoesNotBoot() throws Exception {
    Path bad = copyOutputs("tampered-boot");
    // 64 KiB into the squashfs lies in the compressed blocks of /usr/bin/busybox, the init the kernel runs.
    flipByte(bad.resolve("disk.raw"), partition(2).get("firstLba").asLong() * 512 + 65536);
    Tools.Result r = cosbuild("boot", bad.toString(), "--expect", Guest.READY, "--timeout", "240");
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("kernel panic"), r.err());
    assertTrue(r.out().matches("(?s).*device-mapper: verity: .* is corrupted.*"), r.out());
    assertFalse(r.out().contains(Guest.READY), r.out());
  }

  @Test
  void aTextOnTheKernelCommandLineIsNotTakenForTheGuestPrintingIt() throws Exception {
    Path bad = copyOutputs("tampered-marker");
    flipByte(bad.resolve("disk.raw"), partition(2).get("firstLba").asLong() * 512 + 65536);
    // The kernel echoes its command line on the console long before the tampered root panics.
    Tools.Result r = cosbuild("boot", bad.toString(), "--snapshot", "--append", "cosbuild.note=\"" + Guest.READY + "\"",
        "--expect", Guest.READY, "--timeout", "240");
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("Command line: ") && r.out().contains("cosbuild.note=\"" + Guest.READY + "\""), r.out());
    assertTrue(r.err().contains("kernel panic"), r.err());
  }

  /** The initramfs finds its partitions on the disks clouds attach: SCSI on virtio-scsi (GCE), NVMe (AWS, GCE). */
  @ParameterizedTest
  @CsvSource({"scsi, sda, sda2", "nvme, nvme0n1, nvme0n1p2"})
  void bootsFromTheDiskControllersCloudsUse(String bus, String disk, String root) throws Exception {
    Path log = work.resolve(bus + "-console.log");
    Tools.Result r = cosbuild("boot", out.toString(), "--snapshot", "--disk-bus", bus, "--append", "cosbuild.selftest=1",
        "--log", log.toString(), "--expect", Guest.READY, "--timeout", "240");
    String console = Files.readString(log);
    assertEquals(0, r.code(), r.out() + r.err() + console);
    assertTrue(console.contains("ROOT-A (/dev/" + root + ") hashes VERITY-A (/dev/" + disk), console);
    Guest.assertSelfTestPassed(console, 12);
  }

  @Test
  void aSnapshotBootLeavesTheDiskAsItWasAndATextMaySpanConsoleLines() throws Exception {
    String before = ok("sha256sum", out.resolve("disk.raw").toString());
    Path log = work.resolve("snapshot-console.log");
    // The serial console ends lines with CR LF; the text's plain newline matches them.
    Tools.Result r = cosbuild("boot", out.toString(), "--snapshot", "--append", "cosbuild.selftest=1", "--log", log.toString(),
        "--expect", "passed, 0 failed\n" + Guest.READY, "--timeout", "240");
    assertEquals(0, r.code(), r.out() + r.err() + Files.readString(log));
    Guest.assertSelfTestPassed(Files.readString(log), 12);
    assertEquals(before, ok("sha256sum", out.resolve("disk.raw").toString()), "--snapshot keeps disk.raw unchanged");
  }

  @Test
  void sigtermToCosbuildBootStopsQemu() throws Exception {
    Process p = Tools.cosbuildProcess("boot", out.toString(), "--snapshot", "--accel", "tcg");
    java.io.BufferedReader err = new java.io.BufferedReader(new java.io.InputStreamReader(p.getErrorStream(),
        java.nio.charset.StandardCharsets.UTF_8));
    String line;
    while ((line = err.readLine()) != null && !line.contains(" guest on ")) {
      // QEMU is started before this line is printed
    }
    assertTrue(line != null, "cosbuild boot ended before starting QEMU");
    // QEMU is started through setpriv, which execs it: until then the child's command is setpriv's.
    List<ProcessHandle> qemu = List.of();
    for (long end = System.nanoTime() + 20_000_000_000L; qemu.isEmpty() && System.nanoTime() < end; ) {
      qemu = p.descendants().filter(h -> h.info().command().orElse("").contains("qemu-system")).toList();
      if (qemu.isEmpty()) {
        Thread.sleep(50);
      }
    }
    assertEquals(1, qemu.size(), "one QEMU under cosbuild boot");
    p.destroy();
    assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "cosbuild boot ends on SIGTERM");
    boolean left = qemu.get(0).isAlive();
    if (left) {
      qemu.get(0).destroyForcibly();
    }
    assertFalse(left, "QEMU outlived cosbuild boot");
  }

  /** A copy of every output (the manifest lists them all). */
  static Path copyOutputs(String name) throws Exception {
    return copyOutputs(out, work.resolve(name));
  }

  /** The build's output files in {@code from} copied into {@code to} (disk.raw stays sparse). */
  static Path copyOutputs(Path from, Path to) throws Exception {
    Path dir = Files.createDirectories(to);
    try (var files = Files.list(from)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        ok("cp", "--sparse=always", f.toString(), dir.resolve(f.getFileName()).toString());
      }
    }
    return dir;
  }

  static JsonNode partition(int number) {
    return partitionOf(manifest, number);
  }

  /** Writes {@code dir/name} as the shipped minimal profile with {@code yaml} over it. */
  static Path profileExtendingMinimal(Path dir, String name, String yaml) throws java.io.IOException {
    Path minimal = Path.of("..", "profiles", "minimal.yaml").toAbsolutePath().normalize();
    return Files.writeString(dir.resolve(name), "extends: " + minimal + "\n" + yaml);
  }

  static JsonNode partitionOf(JsonNode manifest, int number) {
    for (JsonNode p : manifest.get("disk").get("partitions")) {
      if (p.get("number").asInt() == number) {
        return p;
      }
    }
    throw new AssertionError("no partition " + number + " in the manifest");
  }

  static String offset(JsonNode p) {
    return Long.toString(p.get("firstLba").asLong() * 512);
  }

  static String size(JsonNode p) {
    return Long.toString((p.get("lastLba").asLong() - p.get("firstLba").asLong() + 1) * 512);
  }

  static void flipByte(Path file, long at) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0xff);
    }
  }

}

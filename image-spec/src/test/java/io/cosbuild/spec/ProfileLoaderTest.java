package io.cosbuild.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.spec.model.Architecture;
import io.cosbuild.spec.model.ImageProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileLoaderTest {

  @TempDir Path dir;

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private ProfileLoader loader() {
    return new ProfileLoader(List.of(dir));
  }

  private List<String> errors(String name) {
    ProfileException e = assertThrows(ProfileException.class, () -> loader().load(name));
    return e.errors().stream().map(ProfileError::toString).toList();
  }

  @Test
  void extendsMergesParentsInOrderAndAppendsLists() throws Exception {
    write("a.yaml", "packages:\n  include: [one, two]\nrootfs:\n  type: ext4\n  compression: xz\n");
    write("b.yaml", "packages:\n  include: [two, three]\n  deny: [perl]\nrootfs:\n  compression: gzip\n");
    write("c.yaml", "extends: [a, b]\npackages:\n  include: [four]\nrootfs:\n  compression: lz4\n");
    ImageProfile p = loader().load("c").profile();
    assertEquals(List.of("one", "two", "three", "four"), p.packages().include());
    assertEquals(List.of("perl"), p.packages().deny());
    assertEquals("ext4", p.rootfs().type());
    assertEquals("lz4", p.rootfs().compression());
    assertEquals("c", p.name());
    assertEquals(3, p.sources().size());
    assertTrue(p.sources().get(2).endsWith("c.yaml"));
  }

  @Test
  void bangKeyReplacesTheParentsValue() throws Exception {
    write("a.yaml", "packages:\n  include: [one, two]\nfilesystem:\n  tmpfs: [/tmp, /run]\n");
    write("b.yaml", "extends: a\npackages:\n  include!: [three]\nfilesystem:\n  tmpfs!: [/run]\n");
    ImageProfile p = loader().load("b").profile();
    assertEquals(List.of("three"), p.packages().include());
    assertEquals(List.of("/run"), p.filesystem().tmpfs());
  }

  @Test
  void everyErrorOfAFileIsReportedWithItsLocation() throws Exception {
    write("bad.yaml", String.join("\n",
        "description: x",
        "packages:",
        "  include:",
        "    - ok-package",
        "    - foo bar",
        "rootfs:",
        "  type: btrfs",
        "verity:",
        "  data-block-size: 3000",
        "disk:",
        "  size: lots",
        "security:",
        "  firewall:",
        "    allow-tcp: [22, 70000]",
        "  ssh:",
        "    port: \"22\"",
        ""));
    List<String> errs = errors("bad");
    String f = dir.resolve("bad.yaml").toString();
    assertTrue(errs.contains(f + ":5:7: packages.include[1]: unknown package name syntax 'foo bar'"
        + " (Debian names: lower case letters, digits, + - . ; optional :arch and =version)"), errs.toString());
    assertTrue(errs.contains(f + ":7:9: rootfs.type: 'btrfs' is not one of squashfs, ext4"), errs.toString());
    assertTrue(errs.contains(f + ":9:20: verity.data-block-size: '3000' is not a power of two from 512 to 4096"
        + " (the kernel refuses verity blocks larger than its 4 KiB pages)"), errs.toString());
    assertTrue(errs.contains(f + ":11:9: disk.size: 'lots' is not a size (e.g. 512MiB, 4G, 1000000)"), errs.toString());
    assertTrue(errs.contains(f + ":14:21: security.firewall.allow-tcp[1]: '70000' is not a port number (1-65535)"), errs.toString());
    assertTrue(errs.contains(f + ":16:11: security.ssh.port: expected integer, found a string '22'"), errs.toString());
    assertEquals(6, errs.size(), errs.toString());
  }

  @Test
  void unknownFieldSuggestsTheClosestName() throws Exception {
    write("typo.yaml", "pakages:\n  include: [a1]\nrootfs:\n  compresion: zstd\n  frobnicate: 1\n");
    List<String> errs = errors("typo");
    String f = dir.resolve("typo.yaml").toString();
    assertTrue(errs.contains(f + ":1:1: pakages: unknown field 'pakages' (did you mean 'packages'?)"), errs.toString());
    assertTrue(errs.contains(f + ":4:3: rootfs.compresion: unknown field 'compresion' (did you mean 'compression'?)"), errs.toString());
    assertTrue(errs.contains(f + ":5:3: rootfs.frobnicate: unknown field 'frobnicate'"), errs.toString());
  }

  @Test
  void wrongKindsAndMissingRequiredFields() throws Exception {
    write("kinds.yaml", "packages: [a]\nfiles:\n  - mode: \"0644\"\n    content: x\nsecurity:\n  users: [root]\n");
    List<String> errs = errors("kinds");
    String f = dir.resolve("kinds.yaml").toString();
    assertTrue(errs.contains(f + ":1:11: packages: expected mapping, found a list"), errs.toString());
    assertTrue(errs.contains(f + ":3:5: files[0].path: required field is missing"), errs.toString());
    assertTrue(errs.contains(f + ":6:11: security.users[0]: expected a mapping, found a string"), errs.toString());
  }

  @Test
  void syntaxErrorsAndDuplicateKeysNameTheLine() throws Exception {
    write("dup.yaml", "rootfs:\n  type: ext4\n  type: squashfs\n");
    List<String> errs = errors("dup");
    assertEquals(List.of(dir.resolve("dup.yaml") + ":3:3: rootfs.type: duplicate key 'type'"), errs);
    write("broken.yaml", "packages:\n  include: [a, b\n");
    String err = errors("broken").get(0);
    assertTrue(err.startsWith(dir.resolve("broken.yaml") + ":"), err);
  }

  @Test
  void cyclesAreNamed() throws Exception {
    write("x.yaml", "extends: y\n");
    write("y.yaml", "extends: [z]\n");
    write("z.yaml", "extends: x\n");
    List<String> errs = errors("x");
    assertEquals(List.of(dir.resolve("z.yaml") + ":1:10: extends: extends cycle: x -> y -> z -> x"), errs);
  }

  @Test
  void missingParentIsAnErrorAtTheExtendsLine() throws Exception {
    write("orphan.yaml", "description: d\nextends: nowhere\n");
    String err = errors("orphan").get(0);
    assertTrue(err.startsWith(dir.resolve("orphan.yaml") + ":2:10: extends: profile 'nowhere' not found"), err);
  }

  @Test
  void profileByPathAndJsonGiveTheSameModelAsYaml() throws Exception {
    Path yaml = write("same.yaml", "packages:\n  include: [busybox-static]\nrootfs:\n  compression-level: 3\narchitectures: [arm64]\n");
    Path sub = Files.createDirectories(dir.resolve("sub"));
    Files.writeString(sub.resolve("same.json"),
        "{\"packages\": {\"include\": [\"busybox-static\"]}, \"rootfs\": {\"compression-level\": 3}, \"architectures\": [\"arm64\"]}");
    LoadedProfile a = new ProfileLoader(List.of()).load(yaml.toString());
    LoadedProfile b = new ProfileLoader(List.of()).load(sub.resolve("same.json").toString());
    assertEquals(a.effective(), b.effective());
    assertEquals(a.profile().digest(), b.profile().digest());
    assertEquals(List.of(Architecture.ARM64), b.profile().architectures());
    LoadedProfile c = new ProfileLoader(List.of()).load(Files.writeString(dir.resolve("other.yaml"), "rootfs:\n  compression-level: 4\n").toString());
    assertNotEquals(a.profile().digest(), c.profile().digest());
  }

  @Test
  void relativeFilesResolveAgainstTheProfileThatNamesThem() throws Exception {
    Path sub = Files.createDirectories(dir.resolve("keys"));
    Files.writeString(sub.resolve("p.yaml"), "verity:\n  signing-key: k.pem\n  signing-certificate: c.pem\n");
    write("child.yaml", "extends: keys/p.yaml\n");
    ImageProfile p = loader().load("child").profile();
    assertEquals(sub.resolve("k.pem").toAbsolutePath().normalize(), p.verity().signingKey().orElseThrow());
  }

  @Test
  void signingKeyWithoutCertificateIsRefused() throws Exception {
    write("half.yaml", "verity:\n  signing-key: k.pem\n");
    assertEquals(List.of(dir.resolve("half.yaml") + ":2:16: verity.signing-key: signing-key and signing-certificate go together: set both or neither"),
        errors("half"));
  }

  @Test
  void settingsTheBuildCannotHonourAreRefused() throws Exception {
    write("unsupported.yaml", "kernel:\n  keep-modules: true\nsecurity:\n  firewall:\n    allow-udp: [53]\n");
    List<String> errs = errors("unsupported");
    String f = dir.resolve("unsupported.yaml").toString();
    assertEquals(List.of(f + ":5:17: security.firewall.allow-udp: inbound UDP ports are not supported by the firewall"
        + " ruleset yet"), errs);
  }

  @Test
  void shippedProfilesAreValid() throws Exception {
    ProfileLoader shipped = new ProfileLoader(List.of(Path.of("..", "profiles")));
    assertTrue(shipped.names().containsAll(List.of("base", "minimal", "gke")), shipped.names().toString());
    for (String name : shipped.names()) {
      ImageProfile p = shipped.load(name).profile();
      assertEquals(name, p.name());
    }
    ImageProfile gke = shipped.load("gke").profile();
    assertTrue(gke.packages().include().contains("containerd"));
    assertTrue(gke.packages().deny().contains("python3"));
    assertEquals("linux-image-cloud-arm64", gke.kernel().packageFor(Architecture.ARM64));
    assertTrue(gke.security().firewall().allowTcp().contains(22), "inherits base's firewall");
  }

  @Test
  void aProfileWithNothingButCommentsIsRefused() throws Exception {
    write("empty.yaml", "# only a comment\n\n");
    assertEquals(List.of(dir.resolve("empty.yaml") + ": the profile is empty (no fields, only blank lines or comments): give at least"
        + " 'extends' or 'packages'"), errors("empty"));
  }

  @Test
  void aLatin1ProfileIsNamedAsNotUtf8() throws Exception {
    Files.write(dir.resolve("latin.yaml"), "description: caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    List<String> errors = errors("latin");
    assertEquals(1, errors.size());
    assertTrue(errors.get(0).startsWith(dir.resolve("latin.yaml") + ":1:17: the file is not UTF-8"), errors.get(0));
  }

  @Test
  void anAliasInAProfileIsAnErrorNamingTheField() throws Exception {
    write("a.yaml", "security:\n  sysctl:\n    kernel.dmesg_restrict: &one \"1\"\n    fs.suid_dumpable: *one\n");
    assertEquals(List.of(dir.resolve("a.yaml") + ":4:23: security.sysctl.fs.suid_dumpable: YAML anchors and aliases are not"
        + " supported (write the value out)"), errors("a"));
  }
}

package io.cosbuild.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the image build would refuse is refused when the profile is loaded, naming file, line and field. */
class ImageRulesTest {

  @TempDir Path dir;

  /** The errors of a profile made of {@code yaml} over a parent with a package, as "line:col: field: message". */
  private List<String> errors(String yaml) throws Exception {
    ProfileException e = assertThrows(ProfileException.class, () -> load(yaml));
    return e.errors().stream().map(ProfileError::toString).map(s -> s.replace(dir.resolve("p.yaml") + ":", "")).toList();
  }

  /** One refused profile each: what it adds to its parent, and its only error. */
  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of("uid beyond 31 bits", "security:\n  users:\n    - name: bob\n      uid: 4294968296\n",
            "5:12: security.users[0].uid: '4294968296' must be a whole number from 0 to 2147483647"),
        Arguments.of("owner beyond 31 bits", "files:\n  - path: /x\n    content: x\n    owner: \"99999999999:0\"\n",
            "5:12: files[0].owner: '99999999999:0': uid and gid must be between 0 and 2147483647"),
        Arguments.of("number beyond a long", "source-date-epoch: 99999999999999999999\n",
            "2:20: source-date-epoch: '99999999999999999999' is too large"),
        Arguments.of("level beyond any compressor", "rootfs:\n  compression-level: 99999999999\n",
            "3:22: rootfs.compression-level: '99999999999' must be a whole number from 0 to 22"),
        Arguments.of("gzip level", "rootfs:\n  compression: gzip\n  compression-level: 12\n",
            "4:22: rootfs.compression-level: gzip level must be between 1 and 9, got 12"),
        Arguments.of("zstd level", "rootfs:\n  compression-level: 0\n",
            "3:22: rootfs.compression-level: zstd level must be between 1 and 22, got 0"),
        Arguments.of("no architecture", "architectures!: []\n",
            "2:17: architectures: the list is empty: name at least one of x86_64, arm64"),
        Arguments.of("no suite", "repositories!: [ {suites: []} ]\n",
            "2:27: repositories[0].suites: the list is empty: name at least one"),
        Arguments.of("squashfs block size", "rootfs:\n  block-size: 3\n",
            "3:15: rootfs.block-size: block size must be a power of two from 4KiB to 1MiB (4096 to 1048576), got 3"),
        Arguments.of("epoch beyond 32 bits", "source-date-epoch: 99999999999\n",
            "2:20: source-date-epoch: '99999999999' must be a whole number from 0 to 4294967295"),
        Arguments.of("stateful path as tmpfs", "filesystem:\n  tmpfs: [/var, /run]\n",
            "3:11: filesystem.tmpfs[0]: stateful path /var cannot be /, /etc or a tmpfs path (it is filesystem.stateful[0], the default)"),
        Arguments.of("tmpfs without /run", "filesystem:\n  tmpfs!: [/tmp]\n",
            "3:11: filesystem.tmpfs: must include /run: the init and a stateless /etc use it"),
        Arguments.of("empty disk", "disk:\n  size: 0\n", "3:9: disk.size: size must be more than 0"),
        Arguments.of("included and denied", "packages:\n  include: [perl]\n  deny: [perl]\n",
            "3:13: packages.include[1]: 'perl' is also in packages.deny: remove it from one of them"),
        Arguments.of("included and excluded", "packages:\n  include: [perl:amd64]\n  exclude: [perl]\n",
            "3:13: packages.include[1]: 'perl:amd64' is also in packages.exclude: remove it from one of them"),
        Arguments.of("sshd port the firewall drops", "security:\n  firewall:\n    enabled: true\n    allow-tcp: [22, 443]\n  ssh:\n    port: 2222\n",
            "7:11: security.ssh.port: sshd port 2222 is not in security.firewall.allow-tcp [22, 443] (5:16): the firewall would drop"
                + " SSH connections; add 2222 there, or keep port 22"),
        Arguments.of("sshd port behind a firewall that allows nothing", "security:\n  firewall: {enabled: true}\n  ssh: {port: 2222}\n",
            "4:15: security.ssh.port: sshd port 2222 is not in security.firewall.allow-tcp [] (the default): the firewall would drop"
                + " SSH connections; add 2222 there, or keep port 22"),
        Arguments.of("a permission that sets nothing", "security:\n  permissions:\n    - path: /usr/bin/ping\n",
            "4:13: security.permissions[0]: give owner, group, mode or capabilities"),
        Arguments.of("a permission's capabilities mistyped", "security:\n  permissions:\n    - path: /usr/bin/ping\n"
            + "      capabilities: cap_net_raw+pe cap_netadmin+p\n", "5:21: security.permissions[0].capabilities: 'cap_netadmin' is not a capability name such as cap_net_raw"),
        Arguments.of("two permissions of one path", "security:\n  permissions:\n    - {path: /usr/bin/ping, mode: '4755'}\n"
            + "    - {path: /usr/bin/ping, capabilities: cap_net_raw=ep}\n", "5:14: security.permissions[1].path: /usr/bin/ping is also security.permissions[0]: one entry per path (to change an"
                + " inherited entry, replace the list with permissions!)"),
        Arguments.of("a permission's owner that is no name", "security:\n  permissions:\n    - path: /usr/bin/ping\n"
            + "      owner: root:root\n", "5:14: security.permissions[0].owner: 'root:root': one name or id here; the user goes in owner, the group in group"),
        Arguments.of("a unified kernel image on a small ESP", "disk:\n  esp: uki\n  esp-size: 32MiB\n",
            "4:13: disk.esp-size: is 32 MiB: disk.esp: uki needs at least 48 MiB (a FAT32 filesystem and the kernel image)"),
        Arguments.of("a Secure Boot key with no unified kernel image to sign", "disk:\n  secure-boot-key: db.key\n"
            + "  secure-boot-certificate: db.pem\n", "3:20: disk.secure-boot-key: signs the unified kernel image, but disk.esp"
                + " is empty: set disk.esp: uki, or leave the Secure Boot key out"),
        Arguments.of("a Secure Boot key without its certificate", "disk:\n  esp: uki\n  secure-boot-key: db.key\n",
            "4:20: disk.secure-boot-key: secure-boot-key and secure-boot-certificate go together: set both or neither"),
        Arguments.of("setuid files kept without stripping", "security:\n  keep-setuid: [/usr/bin/su]\n",
            "3:16: security.keep-setuid: has no effect without security.strip-setuid: true"),
        Arguments.of("setuid files kept when stripping is off", "security:\n  strip-setuid: false\n  keep-setuid: [/usr/bin/su]\n",
            "4:16: security.keep-setuid: has no effect without security.strip-setuid: true"),
        Arguments.of("verity block above a page", "verity:\n  data-block-size: 8192\n",
            "3:20: verity.data-block-size: '8192' is not a power of two from 512 to 4096 (the kernel refuses verity blocks larger than"
                + " its 4 KiB pages)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void refused(String what, String yaml, String error) throws Exception {
    assertEquals(List.of(error), errors(yaml), what);
  }

  /** sshd's port is checked only when it moved and the firewall is on. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {
      "security:\n  firewall: {enabled: true, allow-tcp: [2222]}\n  ssh: {port: 2222}\n",
      "security:\n  firewall: {enabled: false, allow-tcp: [22]}\n  ssh: {port: 2222}\n",
      "security:\n  firewall: {enabled: true, allow-tcp: [443]}\n  ssh: {port: 22}\n"})
  void sshPortsTheFirewallLetsThroughAreAccepted(String yaml) throws Exception {
    load(yaml);
  }

  @Test
  void aSecureBootKeyAndCertificateAreFoundBesideTheProfile() throws Exception {
    var disk = load("disk:\n  esp: uki\n  secure-boot-key: keys/db.key\n  secure-boot-certificate: /etc/db.pem\n")
        .profile().disk();
    assertEquals(java.util.Optional.of(dir.resolve("keys/db.key")), disk.secureBootKey());
    assertEquals(java.util.Optional.of(Path.of("/etc/db.pem")), disk.secureBootCertificate());
  }

  @Test
  void setuidFilesKeptWhileStrippingAreAccepted() throws Exception {
    load("security:\n  strip-setuid: true\n  keep-setuid: [/usr/bin/su]\n");
  }

  /** Loads a profile made of {@code yaml} over a parent with a package. */
  private LoadedProfile load(String yaml) throws Exception {
    Files.writeString(dir.resolve("parent.yaml"), "packages:\n  include: [busybox]\n");
    Files.writeString(dir.resolve("p.yaml"), "extends: parent\n" + yaml);
    return new ProfileLoader(List.of(dir)).load("p");
  }

  @Test
  void aRootLargerThanTheDiskIsNamedWhereTheProfileWroteIt() throws Exception {
    List<String> errs = errors("disk: {root-size: 1TiB}\n");
    assertEquals(1, errs.size(), errs.toString());
    assertTrue(errs.get(0).startsWith("2:19: disk.root-size: the partitions need "), errs.get(0));
  }
}

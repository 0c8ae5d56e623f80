package io.cosbuild.rootfs.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.NodeMetadata;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The profile's security.ssh in the drop-in, and an sshd_config that includes it. The image's own
 * sshd was run with {@code sshd -T} in a chroot of a built root (port 2222, root login yes) and printed
 * the profile's values; these tests pin the files that made it do so.
 */
class SshPolicyStepTest extends HandMadeTree {

  /** The active lines of bookworm's /usr/share/openssh/sshd_config (openssh-server 1:9.2p1-2). */
  static final String DEBIAN_DEFAULT = "Include /etc/ssh/sshd_config.d/*.conf\nKbdInteractiveAuthentication no\nUsePAM yes\n"
      + "X11Forwarding yes\nPrintMotd no\nAcceptEnv LANG LC_*\nSubsystem\tsftp\t/usr/lib/openssh/sftp-server\n";

  @BeforeEach
  void sbin() throws Exception {
    b.add(FsPath.parse("/usr/sbin"), new FsNode.Directory(NodeMetadata.of(0755, 0, 0, 0)), "t");
  }

  void file(String path, String content) throws Exception {
    file(path, content, 0755);
  }

  String apply(SshPolicy p, String path) throws Exception {
    FsTree t = new SshPolicyStep(p, store, 1).apply(b.build());
    return t.contains(FsPath.parse(path)) ? text(t, path) : null;
  }

  @Test
  void theDropInHasTheProfilesValues() throws Exception {
    String d = apply(new SshPolicy(2222, true, true), SshPolicyStep.FILE);
    assertTrue(d.contains("\nPort 2222\nPermitRootLogin yes\nPasswordAuthentication yes\nKbdInteractiveAuthentication no\n"), d);
    d = apply(SshPolicy.strict(), SshPolicyStep.FILE);
    assertTrue(d.contains("\nPort 22\nPermitRootLogin no\nPasswordAuthentication no\n"), d);
  }

  @Test
  void withSshdTheDebianConfigIsInstalledAsThePostinstWould() throws Exception {
    file("/usr/sbin/sshd", "ELF");
    file("/usr/share/openssh/sshd_config", "# comment\n" + DEBIAN_DEFAULT);
    assertEquals("# comment\n" + DEBIAN_DEFAULT, apply(SshPolicy.strict(), "/etc/ssh/sshd_config"));
  }

  @Test
  void withoutDebiansTemplateAConfigThatIncludesTheDropInsIsWritten() throws Exception {
    file("/usr/sbin/sshd", "ELF");
    assertEquals("Include /etc/ssh/sshd_config.d/*.conf\n", apply(SshPolicy.strict(), "/etc/ssh/sshd_config"));
  }

  @Test
  void withoutSshdNoConfigIsWritten() throws Exception {
    assertEquals(null, apply(SshPolicy.strict(), "/etc/ssh/sshd_config"));
  }

  @Test
  void aProfilesConfigThatIgnoresTheDropInsIsRefused() throws Exception {
    file("/usr/sbin/sshd", "ELF");
    file("/etc/ssh/sshd_config", "#Include /etc/ssh/sshd_config.d/*.conf\nPort 22\n");
    String m = assertThrows(AssemblyException.class, () -> apply(SshPolicy.strict(), "/etc/ssh/sshd_config")).getMessage();
    assertTrue(m.contains("does not include /etc/ssh/sshd_config.d/*.conf") && m.contains("security.ssh"), m);
    assertFalse(SshPolicyStep.includesDropIns("# Include /etc/ssh/sshd_config.d/*.conf"));
    assertTrue(SshPolicyStep.includesDropIns("include sshd_config.d/*.conf"));
  }
}

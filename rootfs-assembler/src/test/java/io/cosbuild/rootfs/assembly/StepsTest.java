package io.cosbuild.rootfs.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.rootfs.audit.AuditCheck;
import io.cosbuild.rootfs.audit.AuditReport;
import io.cosbuild.rootfs.audit.Auditor;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.NodeMetadata;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The declarative steps on small hand-made trees. */
class StepsTest extends HandMadeTree {

  static final long EPOCH = 1_700_000_000L;

  @BeforeEach
  void mergedUsr() throws Exception {
    b.add(FsPath.parse("/usr/bin"), new FsNode.Directory(NodeMetadata.of(0755, 0, 0, 0)), "t");
    b.add(FsPath.parse("/bin"), new FsNode.Symlink(NodeMetadata.of(0777, 0, 0, 0), "usr/bin"), "t");
  }

  @Test
  void usersAreLockedAndSystemUsersGetFreeIds() throws Exception {
    file("/usr/share/base-passwd/passwd.master", "root:*:0:0:root:/root:/bin/bash\nnobody:*:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n", 0644);
    file("/usr/share/base-passwd/group.master", "root:*:0:\nshadow:*:42:\nusers:*:100:\nnogroup:*:65534:\n", 0644);
    FsTree t = new UsersStep(List.of(UserSpec.system("containerd"),
        new UserSpec("admin", 1000, null, List.of("users"), "/home/admin", null)), true, store, EPOCH).apply(b.build());
    assertEquals("root:x:0:0:root:/root:/usr/sbin/nologin\n"
        + "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
        + "containerd:x:100:101:containerd:/nonexistent:/usr/sbin/nologin\n"
        + "admin:x:1000:1000:admin:/home/admin:/usr/sbin/nologin\n", text(t, "/etc/passwd"));
    assertEquals("root:x:0:\nshadow:x:42:\nusers:x:100:admin\nnogroup:x:65534:\ncontainerd:x:101:\nadmin:x:1000:\n",
        text(t, "/etc/group"));
    assertTrue(text(t, "/etc/shadow").startsWith("root:*:" + EPOCH / 86400 + ":0:99999:7:::\n"));
    assertEquals(42, t.get(FsPath.parse("/etc/shadow")).orElseThrow().metadata().gid());
    AuditReport a = Auditor.audit(t, List.of(), List.of(), Set.of());
    assertEquals(List.of(), a.findings().get(AuditCheck.LOGIN_ACCOUNTS));
    FsTree unlocked = new UsersStep(List.of(), false, store, EPOCH).apply(b.build());
    assertEquals(List.of("root: login shell /bin/bash"),
        Auditor.audit(unlocked, List.of(), List.of(), Set.of()).findings().get(AuditCheck.LOGIN_ACCOUNTS));
    assertThrows(AssemblyException.class, () -> new UsersStep(List.of(UserSpec.system("root")), true, store, EPOCH).apply(b.build()));
  }

  @Test
  void unitsAreEnabledFromTheirInstallSection() throws Exception {
    file("/usr/lib/systemd/system/foo.service", "[Unit]\nDescription=foo\n[Service]\nExecStart=/usr/bin/foo\n"
        + "[Install]\nWantedBy=multi-user.target\nAlias=bar.service\nAlso=foo.socket\n", 0644);
    file("/usr/lib/systemd/system/foo.socket", "[Socket]\nListenStream=/run/foo\n[Install]\nWantedBy=sockets.target\n", 0644);
    file("/usr/lib/systemd/system/static.service", "[Service]\nExecStart=/bin/true\n", 0644);
    FsTree t = new SystemdUnitsStep(List.of("foo.service"), EPOCH).apply(b.build());
    assertEquals(new FsNode.Symlink(NodeMetadata.of(0777, 0, 0, EPOCH), "/usr/lib/systemd/system/foo.service"),
        t.get(FsPath.parse("/etc/systemd/system/multi-user.target.wants/foo.service")).orElseThrow());
    assertTrue(t.contains(FsPath.parse("/etc/systemd/system/bar.service")));
    assertTrue(t.contains(FsPath.parse("/etc/systemd/system/sockets.target.wants/foo.socket")));
    AssemblyException e = assertThrows(AssemblyException.class, () -> new SystemdUnitsStep(List.of("static.service"), EPOCH).apply(t));
    assertTrue(e.getMessage().contains("no [Install] section"), e.getMessage());
    e = assertThrows(AssemblyException.class, () -> new SystemdUnitsStep(List.of("nope.service"), EPOCH).apply(t));
    assertTrue(e.getMessage().contains("no unit file nope.service"), e.getMessage());
  }

  @Test
  void alternativesLinkThroughEtcAlternativesAndRefuseMissingTargets() throws Exception {
    file("/usr/sbin/xtables-nft-multi", "elf", 0755);
    b.add(FsPath.parse("/usr/sbin/iptables-nft"), new FsNode.Symlink(NodeMetadata.of(0777, 0, 0, 0), "xtables-nft-multi"), "t");
    file("/usr/bin/mawk", "elf", 0755);
    FsTree t = new AlternativesStep(List.of(), true, store, EPOCH).apply(b.build());
    assertEquals("/etc/alternatives/iptables", ((FsNode.Symlink) t.get(FsPath.parse("/usr/sbin/iptables")).orElseThrow()).target());
    assertEquals("/usr/sbin/iptables-nft", ((FsNode.Symlink) t.get(FsPath.parse("/etc/alternatives/iptables")).orElseThrow()).target());
    assertEquals(FsPath.parse("/usr/bin/mawk"), t.toBuilder().resolve(FsPath.parse("/bin/awk")).orElseThrow());
    assertFalse(t.contains(FsPath.parse("/usr/sbin/ip6tables")), "no ip6tables-nft, so no default");
    AssemblyException e = assertThrows(AssemblyException.class, () -> new AlternativesStep(
        List.of(Alternative.of("iptables", "/usr/sbin/iptables", "/usr/sbin/iptables-legacy")), false, store, EPOCH).apply(b.build()));
    assertTrue(e.getMessage().contains("iptables-legacy"), e.getMessage());
  }

  @Test
  void shellRemovalTakesAppletLinksAndReportsWhatPointsAtThem() throws Exception {
    file("/usr/bin/busybox", "elf", 0755);
    b.add(FsPath.parse("/bin/sh"), new FsNode.Symlink(NodeMetadata.of(0777, 0, 0, 0), "busybox"), "t");
    b.add(FsPath.parse("/usr/local/bin/mysh"), new FsNode.Symlink(NodeMetadata.of(0777, 0, 0, 0), "/bin/sh"), "t");
    file("/usr/lib/foo/script", "#!/bin/sh\necho hi\n", 0755);
    file("/usr/lib/foo/tool.py", "#! /usr/bin/python3 -u\n", 0755);
    file("/usr/bin/env", "elf", 0755);
    file("/usr/lib/foo/tool2", "#!/usr/bin/env -S perl -w\n", 0755);
    file("/usr/lib/foo/tool3", "#!/usr/bin/env ls\n", 0755);
    file("/usr/bin/python3.11", "elf", 0755);
    b.add(FsPath.parse("/usr/bin/python3"), new FsNode.Symlink(NodeMetadata.of(0777, 0, 0, 0), "python3.11"), "t");
    file("/usr/bin/ls", "elf", 0755);
    ShellRemovalStep.Result r = new ShellRemovalStep(HardeningOptions.DEFAULT_SHELLS).apply(b.build());
    assertEquals(List.of("/usr/bin/busybox", "/usr/bin/python3", "/usr/bin/python3.11", "/usr/bin/sh"), r.report().removed());
    assertEquals(List.of("/usr/local/bin/mysh -> /bin/sh"), r.report().danglingLinks());
    assertEquals(List.of("/usr/lib/foo/script: #!/bin/sh", "/usr/lib/foo/tool.py: #!/usr/bin/python3", "/usr/lib/foo/tool2: #!/usr/bin/env perl"), r.report().shebangs());
    assertTrue(r.tree().contains(FsPath.parse("/usr/bin/ls")));
  }

  @Test
  void docsGoButCopyrightsStay() throws Exception {
    file("/usr/share/doc/foo/copyright", "c", 0644);
    file("/usr/share/doc/foo/changelog.gz", "c", 0644);
    b.add(FsPath.parse("/usr/share/doc/libfoo"), new FsNode.Symlink(NodeMetadata.of(0777, 0, 0, 0), "foo"), "t");
    file("/usr/share/man/man1/foo.1.gz", "m", 0644);
    file("/usr/share/locale/de/LC_MESSAGES/foo.mo", "m", 0644);
    file("/usr/share/locale/en_GB/LC_MESSAGES/foo.mo", "m", 0644);
    file("/usr/share/locale/locale.alias", "m", 0644);
    FsTree t = new DocsRemovalStep(HardeningOptions.strict()).apply(b.build());
    assertTrue(t.contains(FsPath.parse("/usr/share/doc/foo/copyright")));
    assertTrue(t.contains(FsPath.parse("/usr/share/doc/libfoo")));
    assertFalse(t.contains(FsPath.parse("/usr/share/doc/foo/changelog.gz")));
    assertFalse(t.contains(FsPath.parse("/usr/share/man")));
    assertEquals(List.of("locale.alias"), t.children(FsPath.parse("/usr/share/locale")));
  }

  @Test
  void mountLayoutMovesContentIntoVarAndWritesTheLayout() throws Exception {
    file("/usr/local/bin/tool", "t", 0755);
    b.add(FsPath.parse("/root"), new FsNode.Directory(NodeMetadata.of(0700, 0, 0, 0)), "t");
    b.add(FsPath.parse("/home"), new FsNode.Directory(NodeMetadata.of(0755, 0, 0, 0)), "t");
    FsTree t = new MountLayoutStep(MountLayout.cosDefault(), store, EPOCH).apply(b.build());
    assertEquals("../var/local", ((FsNode.Symlink) t.get(FsPath.parse("/usr/local")).orElseThrow()).target());
    assertEquals("var/home", ((FsNode.Symlink) t.get(FsPath.parse("/home")).orElseThrow()).target());
    assertInstanceOf(FsNode.RegularFile.class, t.get(FsPath.parse("/var/local/bin/tool")).orElseThrow());
    assertEquals(01777, t.get(FsPath.parse("/tmp")).orElseThrow().metadata().permissions());
    assertTrue(t.contains(FsPath.parse("/var/lib/containerd")));
    assertEquals(0700, t.get(FsPath.parse("/var/root")).orElseThrow().metadata().permissions());
    assertInstanceOf(FsNode.Directory.class, t.get(FsPath.parse("/mnt/stateful_partition")).orElseThrow());
    assertEquals(0755, t.get(MountLayoutStep.OEM_MOUNT).orElseThrow().metadata().permissions(), "OEM mount point");
    String json = text(t, MountLayoutStep.LAYOUT_FILE);
    assertTrue(json.contains("\"etc\" : \"stateless\"") && json.contains("\"/home\" : \"/var/home\""), json);
    assertEquals("# Generated by cosbuild; the root, /usr, /etc and /var are set up by the init.\n"
        + "tmpfs /tmp tmpfs mode=1777,nosuid,nodev,noexec 0 0\n", text(t, "/etc/fstab"));
    file("/opt", "a file where a directory belongs", 0644);
    assertThrows(AssemblyException.class, () -> new MountLayoutStep(MountLayout.cosDefault(), store, EPOCH).apply(b.build()));
  }

  @Test
  void aFileWhereTheOemMountPointBelongsIsRefused() throws Exception {
    file("/usr/share/oem", "not a directory", 0644);
    AssemblyException e = assertThrows(AssemblyException.class,
        () -> new MountLayoutStep(MountLayout.cosDefault(), store, EPOCH).apply(b.build()));
    assertTrue(e.getMessage().contains("/usr/share/oem"), e.getMessage());
  }

  @Test
  void factoryEtcIsAPristineCopy() throws Exception {
    file("/etc/hostname", "h", 0644);
    b.add(FsPath.parse("/etc/os-release"), new FsNode.Symlink(NodeMetadata.of(0777, 0, 0, 0), "../usr/lib/os-release"), "t");
    FsTree t = new FactoryEtcStep().apply(b.build());
    assertEquals(t.get(FsPath.parse("/etc/hostname")), t.get(FsPath.parse("/usr/share/factory/etc/hostname")));
    assertEquals(t.get(FsPath.parse("/etc/os-release")), t.get(FsPath.parse("/usr/share/factory/etc/os-release")));
  }

  @Test
  void auditFindsSecretsLeftoversAndSpecialBits() throws Exception {
    file("/root/.ssh/id_ed25519", "whatever", 0600);
    file("/etc/ssl/private/server.pem", "-----BEGIN RSA PRIVATE KEY-----\nMII\n-----END RSA PRIVATE KEY-----\n", 0600);
    file("/opt/app/.git/config", "[core]", 0644);
    file("/opt/app/Makefile", "all:", 0644);
    file("/usr/bin/passwd", "elf", 04755);
    file("/usr/bin/wall", "elf", 02755);
    file("/var/oops", "x", 0666);
    AuditReport a = Auditor.audit(b.build(), List.of(), List.of(), Set.of(AuditCheck.SECRETS));
    assertEquals(List.of("/etc/ssl/private/server.pem (contains a PEM private key)",
        "/root/.ssh/id_ed25519 (credential file name)"), a.findings().get(AuditCheck.SECRETS));
    assertEquals(List.of("/opt/app/.git", "/opt/app/Makefile"), a.findings().get(AuditCheck.VCS_LEFTOVERS));
    assertEquals(List.of("/usr/bin/passwd (4755 0:0)"), a.findings().get(AuditCheck.SETUID));
    assertEquals(List.of("/usr/bin/wall (2755 0:0)"), a.findings().get(AuditCheck.SETGID));
    assertEquals(List.of("/var/oops (666 0:0)"), a.findings().get(AuditCheck.WORLD_WRITABLE));
    assertEquals(List.of(AuditCheck.SECRETS), a.failedChecks());
    assertTrue(a.toJson().contains("\"errors\" : [ \"SECRETS\" ]"), a.toJson());
  }

  @Test
  void setuidStripClearsSetIdBitsOfFilesButTheKeptOnes() throws Exception {
    file("/usr/bin/passwd", "elf", 04755);
    file("/usr/bin/chage", "elf", 02755);
    file("/usr/bin/both", "elf", 06711);
    file("/usr/bin/ping", "elf", 04755);
    file("/usr/bin/plain", "elf", 0755);
    b.add(FsPath.parse("/bin"), new FsNode.Symlink(NodeMetadata.of(0777, 0, 0, 0), "usr/bin"), "t");
    b.add(FsPath.parse("/var/mail"), new FsNode.Directory(NodeMetadata.of(02775, 0, 8, 0)), "t");
    // Two names of one inode: keeping one name keeps the file.
    file("/usr/bin/mount", "mnt", 04755);
    b.addHardlink(FsPath.parse("/usr/sbin/mount.alias"), FsPath.parse("/usr/bin/mount"), "t");
    FsTree t = new SetuidStripStep(List.of("/bin/ping", "/usr/sbin/mount.alias")).apply(b.build());
    assertEquals(0755, mode(t, "/usr/bin/passwd"));
    assertEquals(0755, mode(t, "/usr/bin/chage"));
    assertEquals(0711, mode(t, "/usr/bin/both"));
    assertEquals(0755, mode(t, "/usr/bin/plain"));
    assertEquals(04755, mode(t, "/usr/bin/ping"), "kept through the /bin link");
    assertEquals(04755, mode(t, "/usr/bin/mount"));
    assertEquals(04755, mode(t, "/usr/sbin/mount.alias"));
    assertEquals(02775, mode(t, "/var/mail"), "a directory's setgid only sets new files' group");
    AuditReport a = Auditor.audit(t, List.of(), List.of(), Set.of());
    assertEquals(List.of("/usr/bin/mount (4755 0:0)", "/usr/bin/ping (4755 0:0)", "/usr/sbin/mount.alias (4755 0:0)"),
        a.findings().get(AuditCheck.SETUID));
    assertEquals(List.of(), a.findings().get(AuditCheck.SETGID));
    for (String wrong : List.of("/usr/bin/plain", "/usr/bin/pasword", "/var/mail")) {
      String m = assertThrows(AssemblyException.class, () -> new SetuidStripStep(List.of(wrong)).apply(b.build())).getMessage();
      assertEquals("security.keep-setuid: " + wrong + " is not a setuid or setgid file in the image", m);
    }
  }

  private static int mode(FsTree t, String path) {
    return t.get(FsPath.parse(path)).orElseThrow().metadata().permissions();
  }

  @Test
  void aUsersGidNamesItsPrimaryGroupAsWithUseraddG() throws Exception {
    file("/usr/share/base-passwd/passwd.master", "root:*:0:0:root:/root:/bin/bash\n", 0644);
    file("/usr/share/base-passwd/group.master", "root:*:0:\nusers:*:100:\n", 0644);
    FsTree t = new UsersStep(List.of(new UserSpec("admin", 1000, null, List.of(), null, null, 1500),
        new UserSpec("ops", 1001, null, List.of(), null, null, 100)), true, store, EPOCH).apply(b.build());
    // useradd -u 1000 -g 1500 fails without the group; cosbuild makes it, named like the user.
    assertTrue(text(t, "/etc/passwd").contains("admin:x:1000:1500:") && text(t, "/etc/passwd").contains("ops:x:1001:100:"),
        text(t, "/etc/passwd"));
    assertEquals("root:x:0:\nusers:x:100:\nadmin:x:1500:\n", text(t, "/etc/group"));
    file("/etc/x", "", 0644);
    String m = assertThrows(AssemblyException.class, () -> new UsersStep(List.of(
        new UserSpec("users", 1000, null, List.of(), null, null, 1500)), true, store, EPOCH).apply(b.build())).getMessage();
    assertTrue(m.contains("group users already exists with gid 100"), m);
  }

  @Test
  void hardeningConfigFiles() throws Exception {
    FsTree t = new SysctlStep(HardeningOptions.strict().effectiveSysctl(), store, EPOCH).apply(b.build());
    String sysctl = text(t, SysctlStep.FILE);
    assertTrue(sysctl.contains("\nkernel.unprivileged_bpf_disabled = 1\n") && sysctl.contains("\nkernel.yama.ptrace_scope = 2\n")
        && sysctl.contains("\nkernel.kptr_restrict = 2\n"), sysctl);
    t = new FirewallStep(List.of(22, 10250), store, EPOCH).apply(t);
    String nft = text(t, FirewallStep.FILE);
    assertTrue(nft.contains("policy drop;") && nft.contains("tcp dport { 22, 10250 } accept"), nft);
    t = new SshPolicyStep(SshPolicy.strict(), store, EPOCH).apply(t);
    assertTrue(text(t, SshPolicyStep.FILE).contains("PermitRootLogin no\nPasswordAuthentication no\n"));
  }
}

package io.cosbuild.rootfs.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.rootfs.testutil.RealDebs;
import io.cosbuild.rootfs.tree.FsTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The accounts packages declare, made at build time as their maintainer scripts would: systemd-sysusers
 * itself (run with --root on the same files) judges the sysusers.d part, pwck and grpck the files.
 */
class PackageAccountsIT extends HandMadeTree {

  static final String PASSWD = "root:*:0:0:root:/root:/bin/bash\nnobody:*:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
  static final String GROUP = "root:*:0:\nshadow:*:42:\nusers:*:100:\nnogroup:*:65534:\n";
  static final String SYSUSERS = String.join("\n",
      "# comment",
      "g systemd-journal - -",
      "u messagebus - \"System Message Bus\"",
      "u systemd-network - \"systemd Network Management\"",
      "u fixed 321 \"Fixed Id\" /var/lib/fixed",
      "u shared -:users \"In Users\"",
      "u root 0 \"Super User\" /root /bin/bash",
      "m messagebus systemd-journal",
      "r - 500-900",
      "");

  @Test
  void sysusersAccountsAreTheOnesSystemdSysusersMakesAndUdevsGroupsExist() throws Exception {
    Map<String, String> files = Map.of(
        "/usr/share/base-passwd/passwd.master", PASSWD,
        "/usr/share/base-passwd/group.master", GROUP,
        "/usr/lib/sysusers.d/test.conf", SYSUSERS,
        "/usr/lib/udev/rules.d/50-test.rules", "KERNEL==\"kvm\", GROUP=\"kvm\", MODE=\"0660\"\n"
            + "SUBSYSTEM==\"drm\", KERNEL==\"renderD*\", GROUP=\"render\", MODE=\"0666\"\nSUBSYSTEM==\"x\", GROUP=\"users\"\n");
    for (Map.Entry<String, String> f : new TreeMap<>(files).entrySet()) {
      file(f.getKey(), f.getValue(), 0644);
    }
    FsTree t = new UsersStep(List.of(UserSpec.system("containerd")), false, store, 0).apply(b.build());
    String passwd = text(t, "/etc/passwd");
    String group = text(t, "/etc/group");

    // The reference: systemd-sysusers on a root holding the same base accounts and sysusers.d file.
    Path ref = dir.resolve("ref");
    Files.createDirectories(ref.resolve("etc"));
    Files.createDirectories(ref.resolve("usr/lib/sysusers.d"));
    Files.writeString(ref.resolve("etc/passwd"), PASSWD.replace(":*:", ":x:"));
    Files.writeString(ref.resolve("etc/group"), GROUP.replace(":*:", ":x:"));
    Files.writeString(ref.resolve("usr/lib/sysusers.d/test.conf"), SYSUSERS);
    RealDebs.Result r = RealDebs.run(List.of("systemd-sysusers", "--root=" + ref));
    assertEquals(0, r.code(), r.output());
    String refPasswd = Files.readString(ref.resolve("etc/passwd"));
    String refGroup = Files.readString(ref.resolve("etc/group"));
    // Names, comments, homes and shells agree, and a fixed id is kept; systemd counts free ids down from
    // 999 where cosbuild, like adduser --system, counts up from 100, so free ids are not compared.
    for (String user : List.of("messagebus", "systemd-network", "fixed", "shared", "root")) {
      assertEquals(withoutIds(entry(refPasswd, user)), withoutIds(entry(passwd, user)), passwd);
    }
    assertTrue(entry(passwd, "fixed").startsWith("fixed:x:321:321:"), passwd);
    assertEquals("100", entry(passwd, "shared").split(":")[3], passwd);
    // As systemd-sysusers does, a user and its own group share the id.
    for (String user : List.of("messagebus", "systemd-network")) {
      String[] f = entry(passwd, user).split(":");
      assertEquals(f[2], f[3], passwd);
    }
    for (String g : List.of("systemd-journal", "messagebus", "systemd-network", "fixed")) {
      assertEquals(withoutIds(entry(refGroup, g)), withoutIds(entry(group, g)), group);
    }
    // The plan's users come first and keep their ids; udev's groups come from the rules.
    assertTrue(passwd.contains("containerd:x:100:101:"), passwd);
    assertTrue(entry(group, "kvm").startsWith("kvm:x:") && entry(group, "render").startsWith("render:x:"), group);
    assertEquals(1, group.lines().filter(l -> l.startsWith("users:")).count(), group);

    Path etc = Files.createDirectories(dir.resolve("ours"));
    for (String f : List.of("passwd", "group", "shadow", "gshadow")) {
      Files.writeString(etc.resolve(f), text(t, "/etc/" + f));
    }
    RealDebs.Result pwck = RealDebs.run(List.of("pwck", "-r", "-q", etc.resolve("passwd").toString(), etc.resolve("shadow").toString()));
    assertEquals(0, pwck.code(), pwck.output());
    RealDebs.Result grpck = RealDebs.run(List.of("grpck", "-r", etc.resolve("group").toString(), etc.resolve("gshadow").toString()));
    assertEquals(0, grpck.code(), grpck.output());
  }

  private static String entry(String file, String name) {
    return file.lines().filter(l -> l.startsWith(name + ":")).findFirst().orElse("(no " + name + ")");
  }

  /** name:x:uid:gid:gecos:home:shell, or name:x:gid:members, without the numeric ids. */
  private static String withoutIds(String line) {
    return line.replaceAll(":\\d+", ":#");
  }
}

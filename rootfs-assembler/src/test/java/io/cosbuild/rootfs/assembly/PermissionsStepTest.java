package io.cosbuild.rootfs.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.NodeMetadata;
import io.cosbuild.rootfs.tree.Xattr;
import io.cosbuild.spec.model.FileCapabilities;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** security.permissions on a hand-made tree: what dpkg-statoverride and setcap would leave. */
class PermissionsStepTest extends HandMadeTree {

  private static final long EPOCH = 1_700_000_000L;

  @BeforeEach
  void accountsAndMergedUsr() throws Exception {
    b.add(FsPath.parse("/usr/bin"), new FsNode.Directory(NodeMetadata.of(0755, 0, 0, 0)), "t");
    b.add(FsPath.parse("/bin"), new FsNode.Symlink(NodeMetadata.of(0777, 0, 0, 0), "usr/bin"), "t");
    file("/etc/passwd", "root:x:0:0:root:/root:/usr/sbin/nologin\nmessagebus:x:100:104::/nonexistent:/usr/sbin/nologin\n", 0644);
    file("/etc/group", "root:x:0:\nmessagebus:x:104:\n_ssh:x:105:\n", 0644);
    file("/usr/lib/dbus-1.0/dbus-daemon-launch-helper", "elf", 0755);
    file("/usr/bin/ssh-agent", "elf", 0755);
    file("/usr/bin/ping", "elf", 0755);
  }

  private FsTree apply(boolean dpkg, Permission... p) throws Exception {
    return new PermissionsStep(List.of(p), dpkg, store, EPOCH).apply(b.build());
  }

  private static NodeMetadata meta(FsTree t, String path) {
    return t.get(FsPath.parse(path)).orElseThrow().metadata();
  }

  @Test
  void setsWhatTheMaintainerScriptsWouldAndRecordsItForDpkg() throws Exception {
    FsTree t = apply(true,
        new Permission("/usr/lib/dbus-1.0/dbus-daemon-launch-helper", "root", "messagebus", 04754, null),
        new Permission("/bin/ssh-agent", null, "_ssh", 02755, null),
        new Permission("/usr/bin/ping", null, null, null, FileCapabilities.parse("cap_net_raw=ep")));
    NodeMetadata helper = meta(t, "/usr/lib/dbus-1.0/dbus-daemon-launch-helper");
    assertEquals(List.of(04754, 0, 104), List.of(helper.permissions(), helper.uid(), helper.gid()));
    NodeMetadata agent = meta(t, "/usr/bin/ssh-agent");
    assertEquals(List.of(02755, 0, 105), List.of(agent.permissions(), agent.uid(), agent.gid()), "through the /bin link");
    NodeMetadata ping = meta(t, "/usr/bin/ping");
    assertEquals(List.of(0755, 0, 0), List.of(ping.permissions(), ping.uid(), ping.gid()));
    // setcap cap_net_raw=ep writes these 20 bytes (CapabilityXattrIT compares with setcap itself).
    assertEquals(List.of(new Xattr("security.capability",
        HexFormat.of().parseHex("0100000200200000000000000000000000000000"))), ping.xattrs());
    // As dpkg-statoverride --add records it: sorted by path, capabilities are not dpkg's.
    assertEquals("root _ssh 2755 /usr/bin/ssh-agent\nroot messagebus 4754 /usr/lib/dbus-1.0/dbus-daemon-launch-helper\n",
        text(t, "/var/lib/dpkg/statoverride"));
    assertFalse(apply(false, new Permission("/usr/bin/ping", "0", "104", null, null))
        .get(FsPath.parse("/var/lib/dpkg/statoverride")).isPresent(), "no dpkg database, no statoverride");
  }

  @Test
  void numericIdsWithoutAName() throws Exception {
    FsTree t = apply(true, new Permission("/usr/bin/ping", "4000", "root", null, null));
    assertEquals(4000, meta(t, "/usr/bin/ping").uid());
    assertEquals("#4000 root 755 /usr/bin/ping\n", text(t, "/var/lib/dpkg/statoverride"));
  }

  @Test
  void everyNameOfAHardLinkedFileChanges() throws Exception {
    b.addHardlink(FsPath.parse("/usr/bin/ping4"), FsPath.parse("/usr/bin/ping"), "t");
    FsTree t = apply(true, new Permission("/usr/bin/ping4", null, null, 04755, FileCapabilities.parse("cap_net_raw+p")));
    assertEquals(meta(t, "/usr/bin/ping4"), meta(t, "/usr/bin/ping"));
    assertEquals(04755, meta(t, "/usr/bin/ping").permissions());
    String m = assertThrows(AssemblyException.class, () -> apply(true, new Permission("/usr/bin/ping", null, null, 0700, null),
        new Permission("/usr/bin/ping4", null, null, 0755, null))).getMessage();
    assertEquals("security.permissions /usr/bin/ping4: a hard link of another entry's file", m);
  }

  @Test
  void aWrongEntryFailsTheBuildNamingIt() throws Exception {
    b.add(FsPath.parse("/usr/bin/ping6"), new FsNode.Symlink(NodeMetadata.of(0777, 0, 0, 0), "ping"), "t");
    assertEquals("security.permissions /usr/bin/pnig: no such file or directory in the image",
        assertThrows(AssemblyException.class, () -> apply(true, new Permission("/usr/bin/pnig", null, null, 0755, null)))
            .getMessage());
    assertEquals("security.permissions /usr/bin/ping6: is a symlink (to ping); name the file it points to",
        assertThrows(AssemblyException.class, () -> apply(true, new Permission("/usr/bin/ping6", null, null, 0755, null)))
            .getMessage());
    assertEquals("security.permissions /usr/bin/ping: group: no 'netdev' in the image's /etc/group",
        assertThrows(AssemblyException.class, () -> apply(true, new Permission("/usr/bin/ping", null, "netdev", null, null)))
            .getMessage());
    assertEquals("security.permissions /usr/bin: capabilities need a regular file",
        assertThrows(AssemblyException.class, () -> apply(true, new Permission("/usr/bin", null, null, null,
            FileCapabilities.parse("cap_net_raw=p")))).getMessage());
    assertEquals("security.permissions /bin/ping: the same file as another entry (/usr/bin/ping)",
        assertThrows(AssemblyException.class, () -> apply(true, new Permission("/usr/bin/ping", null, null, 0755, null),
            new Permission("/bin/ping", "root", null, null, null))).getMessage());
  }
}

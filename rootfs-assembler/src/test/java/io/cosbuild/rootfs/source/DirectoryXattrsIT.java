package io.cosbuild.rootfs.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.rootfs.ext4.Ext4Options;
import io.cosbuild.rootfs.ext4.Ext4Writer;
import io.cosbuild.rootfs.squashfs.Compression;
import io.cosbuild.rootfs.squashfs.SquashfsOptions;
import io.cosbuild.rootfs.squashfs.SquashfsWriter;
import io.cosbuild.rootfs.testutil.FsJudges;
import io.cosbuild.rootfs.tree.FsTree;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host directory as a root-built tree has it (file capabilities set by setcap, trusted.* and
 * security.* attributes on directories, symlinks, fifos and device nodes) goes into squashfs and ext4
 * images with every attribute: the kernel, mounting each image, reports the same ones getfattr
 * reports on the source.
 */
class DirectoryXattrsIT {

  @TempDir static Path tmp;
  static Path src;
  static Map<String, Map<String, String>> expected;

  @BeforeAll
  static void hostTree() throws Exception {
    Assumptions.assumeTrue(new com.sun.security.auth.module.UnixSystem().getUid() == 0,
        "SKIPPED: trusted.* xattrs and device nodes need root");
    src = Files.createDirectories(tmp.resolve("src"));
    Path bin = Files.createDirectories(src.resolve("usr/bin"));
    Files.writeString(bin.resolve("ping"), "\177ELF ping");
    Files.writeString(bin.resolve("ip"), "\177ELF ip");
    Files.createSymbolicLink(src.resolve("bin"), Path.of("usr/bin"));
    Files.createDirectories(src.resolve("dev"));
    exec("setcap", "cap_net_raw=ep", bin.resolve("ping").toString());
    exec("setcap", "cap_dac_override,cap_sys_admin,cap_net_admin=ep", bin.resolve("ip").toString());
    exec("setfattr", "-n", "user.checksum", "-v", "0x00ff", bin.resolve("ip").toString());
    exec("setfattr", "-n", "trusted.overlay.opaque", "-v", "y", src.resolve("usr").toString());
    exec("setfattr", "-h", "-n", "security.label", "-v", "0x7379735f7400", src.resolve("bin").toString());
    exec("mknod", src.resolve("dev/null").toString(), "c", "1", "3");
    exec("setfattr", "-h", "-n", "security.label", "-v", "0x6e756c6c", src.resolve("dev/null").toString());
    exec("mkfifo", src.resolve("dev/initctl").toString());
    exec("setfattr", "-h", "-n", "trusted.fifo", "-v", "0x01", src.resolve("dev/initctl").toString());
    expected = FsJudges.getfattr(src);
    assertTrue(expected.get("/usr/bin/ping").containsKey("security.capability"), expected.toString());
    assertEquals(6, expected.size(), expected.toString());
  }

  @Test
  void squashfsKeepsEveryAttribute() throws Exception {
    Path img = tmp.resolve("xattrs.sqfs");
    FsTree tree = DirectorySource.readInPlace(src, false);
    SquashfsWriter.writeFile(tree, img, SquashfsOptions.of(Compression.ZSTD));
    FsJudges.assertUnsquashfsAgrees(tree, img);
    assertEquals(expected, mountedXattrs(img, "squashfs"));
  }

  @Test
  void ext4KeepsEveryAttribute() throws Exception {
    Path img = writeExt4(src, "xattrs.ext4");
    FsJudges.assertE2fsckClean(img);
    assertEquals(expected, mountedXattrs(img, "ext4"));
  }

  /**
   * POSIX ACLs as setfacl leaves them (named user and group entries, a default ACL on a directory):
   * ext4 stores them in its own form, and the kernel gives back the ones the source has. Squashfs
   * cannot hold them, and says so naming the path (mksquashfs drops them with a warning).
   */
  @Test
  void ext4KeepsPosixAclsAndSquashfsRefusesThemNamingThePath() throws Exception {
    Path acl = Files.createDirectories(tmp.resolve("acl-src"));
    Path log = Files.createDirectories(acl.resolve("var/log/journal"));
    Path file = Files.writeString(acl.resolve("var/log/shared.log"), "x");
    // linux/posix_acl_xattr.h, as setfacl -m u:1234:rwx,g:50:r-x writes it: user::rwx, user:1234:rwx,
    // group::r-x, group:50:r-x, mask::rwx, other::r--.
    String entries = "0x02000000" + "01000700ffffffff" + "02000700d2040000" + "04000500ffffffff"
        + "0800050032000000" + "10000700ffffffff" + "20000400ffffffff";
    exec("setfattr", "-n", "system.posix_acl_access", "-v", entries, file.toString());
    exec("setfattr", "-n", "system.posix_acl_access", "-v", entries, log.toString());
    exec("setfattr", "-n", "system.posix_acl_default", "-v", entries, log.toString());
    Map<String, Map<String, String>> want = FsJudges.getfattr(acl);
    assertEquals(Set.of("system.posix_acl_access", "system.posix_acl_default"), want.get("/var/log/journal").keySet(),
        want.toString());

    Path img = writeExt4(acl, "acl.ext4");
    FsJudges.assertE2fsckClean(img);
    assertEquals(want, mountedXattrs(img, "ext4"));

    Path sqfs = tmp.resolve("acl.sqfs");
    Exception refused = assertThrows(Exception.class, () -> SquashfsWriter.writeFile(
        DirectorySource.readInPlace(acl, false), sqfs, SquashfsOptions.of(Compression.ZSTD)));
    assertTrue(refused.getMessage().contains("/var/log/journal") || refused.getMessage().contains("/var/log/shared.log"),
        refused.getMessage());
    assertTrue(refused.getMessage().contains("has a POSIX ACL (system.posix_acl_"), refused.getMessage());
    assertFalse(Files.exists(sqfs));
  }

  private static Path writeExt4(Path source, String name) throws Exception {
    Path img = tmp.resolve(name);
    try (FileChannel ch = FileChannel.open(img, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        StandardOpenOption.READ)) {
      Ext4Writer.write(DirectorySource.readInPlace(source), ch, Ext4Options.readOnlyRoot());
    }
    return img;
  }

  private static Map<String, Map<String, String>> mountedXattrs(Path img, String type) throws Exception {
    Path mnt = Files.createDirectories(tmp.resolve("mnt-" + type));
    FsJudges.mountReadOnly(img, type, mnt);
    try {
      return FsJudges.getfattr(mnt);
    } finally {
      assertEquals(0, FsJudges.run("umount", mnt.toString()).code());
    }
  }

  private static void exec(String... cmd) throws Exception {
    FsJudges.Out o = FsJudges.run(cmd);
    assertEquals(0, o.code(), String.join(" ", cmd) + ": " + o.text());
  }
}

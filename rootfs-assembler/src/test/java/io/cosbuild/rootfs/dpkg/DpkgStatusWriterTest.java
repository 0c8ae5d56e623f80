package io.cosbuild.rootfs.dpkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.rootfs.testutil.TestDebs;
import io.cosbuild.rootfs.testutil.TestDebs.Entry;
import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.NodeMetadata;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DpkgStatusWriterTest {

  @TempDir Path dir;

  @Test
  void stanzaHasStatusAndConffilesWhereDpkgPutsThem() throws Exception {
    Path deb = new TestDebs("foo").control("Multi-Arch", "same").control("Depends", "libc6 (>= 2.36)")
        .add(Entry.file("./etc/foo.conf", "conf"), Entry.file("./usr/bin/foo", "bin", 0755)).conffile("/etc/foo.conf")
        .write(dir);
    PackageContent p = DebFile.read(deb, null);
    assertEquals("foo:amd64", p.infoName());
    InstalledPackage ip = new InstalledPackage(p, List.of("/.", "/etc", "/etc/foo.conf"), List.of(),
        Map.of("/etc/foo.conf", "8b2fa2f0d2bb9b6f0be4c18ea1bdb86e"));
    assertEquals("Package: foo\nStatus: install ok installed\nVersion: 1.0-1\nArchitecture: amd64\n"
        + "Maintainer: Test <test@example.org>\nInstalled-Size: 1\nMulti-Arch: same\nDepends: libc6 (>= 2.36)\n"
        + "Conffiles:\n /etc/foo.conf 8b2fa2f0d2bb9b6f0be4c18ea1bdb86e\n"
        + "Description: test package foo\n a test package.\n", DpkgStatusWriter.stanza(ip));
  }

  @Test
  void distrolessFormWritesOneFilePerPackage() throws Exception {
    Path deb = new TestDebs("bar").add(Entry.file("./usr/bin/bar", "bin", 0755)).write(dir);
    PackageContent p = DebFile.read(deb, null);
    BlobStore store = BlobStore.open(dir.resolve("blobs"));
    FsTree base = new FsTreeBuilder(NodeMetadata.of(0755, 0, 0, 0)).build();
    FsTree t = new DpkgStatusWriter(StatusForm.DISTROLESS, store, 0).apply(base,
        List.of(new InstalledPackage(p, List.of("/.", "/usr/bin/bar"), List.of(), Map.of())));
    var f = (FsNode.RegularFile) t.get(FsPath.parse("/var/lib/dpkg/status.d/bar")).orElseThrow();
    assertTrue(new String(f.blob().readAllBytes(), StandardCharsets.UTF_8).startsWith("Package: bar\nStatus: install ok installed\n"));
    assertTrue(t.contains(FsPath.parse("/var/lib/dpkg/status.d/bar.md5sums")));
  }

  @Test
  void controlStanzaRefusesGarbage() {
    assertThrows(PackageException.class, () -> ControlStanza.parse(" continuation first\n", "x"));
    assertThrows(PackageException.class, () -> ControlStanza.parse("Package: a\nPackage: b\n", "x"));
    assertThrows(PackageException.class, () -> ControlStanza.parse("no colon here\n", "x"));
  }
}

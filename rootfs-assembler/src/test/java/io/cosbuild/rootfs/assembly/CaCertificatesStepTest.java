package io.cosbuild.rootfs.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.rootfs.certs.TestCertificates;
import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.NodeMetadata;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A profile's own /etc/ca-certificates.conf is obeyed, and one naming files outside the certificates is refused. */
class CaCertificatesStepTest {

  @TempDir Path dir;

  private FsTree tree(BlobStore store, String conf) throws Exception {
    FsTreeBuilder b = new FsTreeBuilder(NodeMetadata.of(0755, 0, 0, 0));
    for (String name : new String[] {"a", "b"}) {
      byte[] pem = TestCertificates.pem(TestCertificates.der(new X500Name("CN=" + name), 1)).getBytes(StandardCharsets.US_ASCII);
      b.add(FsPath.parse("/usr/share/ca-certificates/site/" + name + ".crt"), new FsNode.RegularFile(NodeMetadata.of(0644, 0, 0, 0),
          store.put(pem)), "t");
    }
    if (conf != null) {
      b.add(FsPath.parse("/etc/ca-certificates.conf"), new FsNode.RegularFile(NodeMetadata.of(0644, 0, 0, 0),
          store.put(conf.getBytes(StandardCharsets.UTF_8))), "t");
    }
    return b.build();
  }

  @Test
  void theProfilesChoiceIsObeyed() throws Exception {
    BlobStore store = BlobStore.open(dir.resolve("blobs"));
    FsTree t = new CaCertificatesStep(store, 0).apply(tree(store, "# mine\nsite/a.crt\n!site/b.crt\n"), true);
    assertEquals("# mine\nsite/a.crt\n!site/b.crt\n", TreeEdits.readText(t, FsPath.parse("/etc/ca-certificates.conf")).orElseThrow());
    assertTrue(t.get(FsPath.parse("/etc/ssl/certs/a.pem")).orElseThrow() instanceof FsNode.Symlink s
        && s.target().equals("/usr/share/ca-certificates/site/a.crt"));
    assertFalse(t.contains(FsPath.parse("/etc/ssl/certs/b.pem")));
    String bundle = TreeEdits.readText(t, FsPath.parse("/etc/ssl/certs/ca-certificates.crt")).orElseThrow();
    assertEquals(1, bundle.split("BEGIN CERTIFICATE").length - 1, bundle);
    // Without a conf of the profile's, every certificate is trusted.
    FsTree all = new CaCertificatesStep(store, 0).apply(tree(store, null), true);
    assertEquals(CaCertificatesStep.CONF_HEADER + "site/a.crt\nsite/b.crt\n",
        TreeEdits.readText(all, FsPath.parse("/etc/ca-certificates.conf")).orElseThrow());
    assertTrue(all.contains(FsPath.parse("/etc/ssl/certs/b.pem")));
    // Not installed: nothing is made.
    FsTree none = tree(store, null);
    assertSame(none, new CaCertificatesStep(store, 0).apply(none, false));
  }

  @Test
  void aConfNamingAFileOutsideTheCertificatesIsRefused() throws Exception {
    BlobStore store = BlobStore.open(dir.resolve("blobs"));
    FsTree t = tree(store, "site/a.crt\n../../../etc/shadow\n");
    AssemblyException e = assertThrows(AssemblyException.class, () -> new CaCertificatesStep(store, 0).apply(t, true));
    assertEquals("ca-certificates: /etc/ca-certificates.conf: '../../../etc/shadow' names a file outside /usr/share/ca-certificates",
        e.getMessage());
  }
}

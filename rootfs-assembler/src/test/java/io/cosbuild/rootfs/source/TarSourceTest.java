package io.cosbuild.rootfs.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.TreeException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarSourceTest {

  @TempDir Path tmp;

  private BlobStore store() throws Exception {
    return BlobStore.open(tmp.resolve("blobs"));
  }

  private static byte[] tarOf(String name, String content) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
      byte[] data = content.getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry e = new TarArchiveEntry(name);
      e.setSize(data.length);
      e.setMode(0100640);
      e.setIds(70000, 5);
      out.putArchiveEntry(e);
      out.write(data);
      out.closeArchiveEntry();
    }
    return bytes.toByteArray();
  }

  @Test
  void readsOwnersModesAndContentFromTheArchive() throws Exception {
    Path tar = Files.write(tmp.resolve("root.tar"), tarOf("etc/shadow", "root:*:1::::::\n"));
    FsTree t = TarSource.read(tar, store());
    FsNode.RegularFile f = (FsNode.RegularFile) t.get(FsPath.parse("/etc/shadow")).orElseThrow();
    assertEquals(0640, f.metadata().permissions());
    assertEquals(70000, f.metadata().uid());
    assertEquals("root:*:1::::::\n", new String(f.blob().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void anEmptyArchiveGivesAnEmptyTree() throws Exception {
    Path tar = Files.write(tmp.resolve("empty.tar"), new byte[10240]); // what 'tar cf x.tar -T /dev/null' writes
    assertEquals(1, TarSource.read(tar, store()).size());
  }

  @Test
  void aFileThatIsNoTarIsRefusedNamingIt() throws Exception {
    Path text = Files.writeString(tmp.resolve("hostname"), "cos\n");
    TreeException e = assertThrows(TreeException.class, () -> TarSource.read(text, store()));
    assertTrue(e.getMessage().startsWith(text + ": not a tar archive"), e.getMessage());

    byte[] junk = new byte[4096];
    Arrays.fill(junk, (byte) 'x');
    Path garbage = Files.write(tmp.resolve("garbage.tar"), junk);
    e = assertThrows(TreeException.class, () -> TarSource.read(garbage, store()));
    assertTrue(e.getMessage().startsWith(garbage + ": not a tar archive"), e.getMessage());
  }

  @Test
  void aCorruptHeaderAfterAGoodEntryIsRefusedNamingTheArchive() throws Exception {
    byte[] good = tarOf("a", "x");
    byte[] bad = Arrays.copyOf(good, good.length);
    // A second header whose checksum field is nonsense, where the end-of-archive blocks were.
    Arrays.fill(bad, 1024, 1024 + 100, (byte) 'b');
    Arrays.fill(bad, 1024 + 148, 1024 + 156, (byte) 'z');
    Path tar = Files.write(tmp.resolve("bad.tar"), bad);
    TreeException e = assertThrows(TreeException.class, () -> TarSource.read(tar, store()));
    assertTrue(e.getMessage().startsWith(tar + ": corrupt tar archive"), e.getMessage());
  }
}

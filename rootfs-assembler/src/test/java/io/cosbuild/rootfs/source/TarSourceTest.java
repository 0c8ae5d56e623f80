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
import org.apache.commons.compress.archivers.tar.TarConstants;
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
  private static byte[] tarOf(TarArchiveEntry... entries) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
      out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      for (TarArchiveEntry e : entries) {
        out.putArchiveEntry(e);
        out.write(new byte[(int) e.getSize()]);
        out.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  private static TarArchiveEntry file(String name, int size) {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(size);
    e.setMode(0100644);
    return e;
  }

  private TreeException refused(byte[] archive) throws Exception {
    Path tar = Files.write(tmp.resolve("t.tar"), archive);
    return assertThrows(TreeException.class, () -> TarSource.read(tar, store()));
  }

  @Test
  void aHeaderWhoseChecksumDoesNotMatchIsRefused() throws Exception {
    byte[] tar = tarOf(file("good", 2), file("evil", 4));
    // A header changed after it was written (mode 0644 to 4644, say) no longer matches its checksum.
    int evil = 0;
    while (tar[evil] != 'e' || tar[evil + 1] != 'v') {
      evil += 512;
    }
    tar[evil + 100 + 3] = '4';
    TreeException e = refused(tar);
    assertTrue(e.getMessage().contains("corrupt tar header after member 'good' (its checksum does not match)"), e.getMessage());
  }

  @Test
  void idsBeyondWhatCosbuildKeepsAreRefusedNotWrapped() throws Exception {
    TarArchiveEntry big = file("a", 1);
    big.setUserId(1L << 32); // as an int it would be 0: root
    TreeException e = refused(tarOf(big));
    assertTrue(e.getMessage().contains("refusing member 'a': uid 4294967296 is out of range"), e.getMessage());
    TarArchiveEntry g = file("b", 1);
    g.setGroupId(3_000_000_000L);
    e = refused(tarOf(g));
    assertTrue(e.getMessage().contains("refusing member 'b': gid 3000000000 is out of range"), e.getMessage());
  }

  @Test
  void aDirectoryOverAFileIsAConflictAsAFileOverADirectoryIs() throws Exception {
    TarArchiveEntry dir = new TarArchiveEntry("etc/shadow/");
    dir.setMode(040777);
    TreeException e = refused(tarOf(file("etc/shadow", 4), dir));
    assertTrue(e.getMessage().contains("/etc/shadow: ") && e.getMessage().contains(" has two different entries for it"),
        e.getMessage());
  }

  @Test
  void aTruncatedMemberIsRefusedNamingIt() throws Exception {
    byte[] whole = tarOf(file("etc/big", 100_000));
    TreeException e = refused(Arrays.copyOf(whole, 50_000));
    assertTrue(e.getMessage().contains("member 'etc/big' cannot be read, the archive is truncated"), e.getMessage());
  }
  @Test
  void aPaxRecordTooShortToHoldItsOwnLengthIsRefused() throws Exception {
    // "0 \n" claims a length of 0: read as written, the record's last byte would lie before the record.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
      byte[] record = "0 \n".getBytes(StandardCharsets.US_ASCII);
      TarArchiveEntry pax = new TarArchiveEntry("PaxHeaders/f", TarConstants.LF_PAX_EXTENDED_HEADER_LC);
      pax.setSize(record.length);
      out.putArchiveEntry(pax);
      out.write(record);
      out.closeArchiveEntry();
      TarArchiveEntry f = file("f", 1);
      out.putArchiveEntry(f);
      out.write(new byte[1]);
      out.closeArchiveEntry();
    }
    TreeException e = refused(bytes.toByteArray());
    assertTrue(e.getMessage().contains("pax header"), e.getMessage());
  }

  /** One file "f" whose pax header holds {@code records} (pax key, value). */
  private static byte[] withPaxRecords(String... records) throws Exception {
    TarArchiveEntry f = file("f", 1);
    for (int i = 0; i < records.length; i += 2) {
      f.addPaxHeader(records[i], records[i + 1]);
    }
    return tarOf(f);
  }

  private static String base64(String s) {
    return java.util.Base64.getEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private java.util.Map<String, String> xattrs(byte[] archive) throws Exception {
    FsNode f = TarSource.read(Files.write(tmp.resolve("x.tar"), archive), store()).get(FsPath.parse("/f")).orElseThrow();
    java.util.Map<String, String> out = new java.util.TreeMap<>();
    f.metadata().xattrs().forEach(x -> out.put(x.name(), new String(x.value(), StandardCharsets.UTF_8)));
    return out;
  }

  @Test
  void libarchiveXattrRecordsGiveTheirDecodedNameAndValue() throws Exception {
    assertEquals(java.util.Map.of("user.a=b c%", "hello", "user.plain", "one", "user.empty", ""),
        xattrs(withPaxRecords("LIBARCHIVE.xattr.user.a%3Db%20c%25", base64("hello"), "LIBARCHIVE.xattr.user.plain", "b25l",
            "LIBARCHIVE.xattr.user.empty", "")));
  }

  @Test
  void schilyAndLibarchiveRecordsOfOneXattrAreOneXattr() throws Exception {
    // bsdtar writes both, the SCHILY one under the same URL-encoded name; GNU tar would write the plain name.
    assertEquals(java.util.Map.of("user.a=b", "v", "user.x", "same"),
        xattrs(withPaxRecords("SCHILY.xattr.user.a%3Db", "v", "LIBARCHIVE.xattr.user.a%3Db", base64("v"),
            "SCHILY.xattr.user.x", "same", "LIBARCHIVE.xattr.user.x", base64("same"))));
  }

  @Test
  void schilyAndLibarchiveRecordsThatDisagreeAreRefusedNamingTheMember() throws Exception {
    TreeException e = refused(withPaxRecords("SCHILY.xattr.security.capability", "one",
        "LIBARCHIVE.xattr.security.capability", base64("two")));
    assertTrue(e.getMessage().contains("member 'f' gives xattr 'security.capability' two different values"), e.getMessage());
    e = refused(withPaxRecords("SCHILY.xattr.user.a b", "one", "LIBARCHIVE.xattr.user.a%20b", base64("two")));
    assertTrue(e.getMessage().contains("member 'f' gives xattr 'user.a b' two different values"), e.getMessage());
  }

  @Test
  void aLibarchiveValueThatIsNotBase64IsRefused() throws Exception {
    TreeException e = refused(withPaxRecords("LIBARCHIVE.xattr.user.x", "not*base64"));
    assertTrue(e.getMessage().contains("the LIBARCHIVE.xattr.user.x record of a pax header at the start is not base64"),
        e.getMessage());
  }

  @Test
  void aVolumeLabelAfterTheStartIsRefusedNotMadeAFile() throws Exception {
    TreeException e = refused(tarOf(file("a", 1), new TarArchiveEntry("backup-2024", (byte) 'V')));
    assertTrue(e.getMessage().contains("a GNU volume label 'backup-2024' that is not the archive's first header"), e.getMessage());
  }
}

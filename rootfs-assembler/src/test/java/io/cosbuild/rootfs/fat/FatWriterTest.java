package io.cosbuild.rootfs.fat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the writer refuses, before writing a byte, and how the message says what to change. */
class FatWriterTest {

  private static final long MIB = 1 << 20;
  private static final FatOptions OPTIONS = FatOptions.of(7, 1_700_000_000L, 0);
  private static final Pattern ADVICE = Pattern.compile("give at least (\\d+) MiB \\((\\d+) bytes\\)");

  @TempDir Path tmp;

  private int images;

  /** Writes into a new empty file and returns the file; the refusal tests check it stayed empty. */
  private Path write(FsTree tree, long size) throws Exception {
    Path img = tmp.resolve("img" + images++);
    try (FileChannel ch = FileChannel.open(img, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        StandardOpenOption.READ)) {
      FatWriter.write(tree, ch, 0, size, OPTIONS);
    }
    assertEquals(size, Files.size(img), "the file is extended to the filesystem's end");
    return img;
  }

  private FatException refused(FsTree tree, long size) throws Exception {
    FatException e = assertThrows(FatException.class, () -> write(tree, size));
    assertEquals(0, Files.size(tmp.resolve("img" + (images - 1))), "nothing written");
    return e;
  }

  private FsTree treeWith(String path, FsNode node) throws Exception {
    FsTreeBuilder b = new FsTreeBuilder(EspTrees.DIR);
    b.add(FsPath.parse("/EFI/BOOT"), new FsNode.Directory(EspTrees.DIR), "test");
    b.add(FsPath.parse(path), node, "test");
    return b.build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"BOOTX64.efi", "boot", "LONGNAME9.EFI", "BOOTX64.EFIX", "A.B.C", "MY FILE", "A+B", ".EFI",
      "EFI.", "Ä.EFI"})
  void namesNeedingLongFileNamesAreRefusedNamingThePath(String name) throws Exception {
    FsTree tree = treeWith("/EFI/BOOT/" + name, new FsNode.RegularFile(EspTrees.FILE,
        EspTrees.randomFile(tmp, "/f", 10)));
    String message = refused(tree, 64 * MIB).getMessage();
    assertTrue(message.startsWith("/EFI/BOOT/" + name + ": "), message);
    assertTrue(message.contains("only upper-case 8.3 names are supported"), message);
  }

  @Test
  void lowerCaseDirectoryIsRefusedNamingIt() throws Exception {
    FsTree tree = treeWith("/efi/BOOT", new FsNode.Directory(EspTrees.DIR));
    String message = refused(tree, 64 * MIB).getMessage();
    assertTrue(message.startsWith("/efi: only upper-case 8.3 names are supported"), message);
  }

  @Test
  void whatFatCannotStoreIsRefusedNamingThePath() throws Exception {
    FsNode[] nodes = {
        new FsNode.Symlink(EspTrees.FILE, "BOOTX64.EFI"),
        new FsNode.Device(EspTrees.FILE, false, 1, 3),
        new FsNode.Fifo(EspTrees.FILE),
        new FsNode.Socket(EspTrees.FILE)};
    for (FsNode node : nodes) {
      String message = refused(treeWith("/EFI/BOOT/NODE", node), 64 * MIB).getMessage();
      assertTrue(message.startsWith("/EFI/BOOT/NODE: a "), message);
      assertTrue(message.contains("FAT keeps only directories and regular files"), message);
    }
    FsTreeBuilder b = new FsTreeBuilder(EspTrees.DIR);
    b.add(FsPath.parse("/A"), new FsNode.RegularFile(EspTrees.FILE, EspTrees.randomFile(tmp, "/a", 5)), "test");
    b.addHardlink(FsPath.parse("/B"), FsPath.parse("/A"), "test");
    String message = refused(b.build(), 64 * MIB).getMessage();
    assertTrue(message.startsWith("/A: a hard-linked file"), message);
  }

  @Test
  void fileOfFourGibIsRefusedNamingIt() throws Exception {
    long size = 1L << 32;
    FsTree tree = treeWith("/EFI/BOOT/HUGE.IMG", new FsNode.RegularFile(EspTrees.FILE,
        EspTrees.sparseFile(tmp.resolve("huge"), size)));
    String message = refused(tree, 8L << 30).getMessage();
    assertTrue(message.startsWith("/EFI/BOOT/HUGE.IMG: " + size + " bytes is larger"), message);
  }

  @Test
  void directoryOfMoreThan65536EntriesIsRefused() throws Exception {
    FsTreeBuilder b = new FsTreeBuilder(EspTrees.DIR);
    FsNode.RegularFile empty = new FsNode.RegularFile(EspTrees.FILE, EspTrees.randomFile(tmp, "/empty", 0));
    for (int i = 0; i < 65535; i++) {
      b.add(FsPath.parse("/WIDE/F" + i), empty, "test");
    }
    String message = refused(b.build(), 64 * MIB).getMessage();
    assertTrue(message.startsWith("/WIDE: 65537 directory entries"), message);
  }

  /** The advised size works and a MiB less does not. */
  @Test
  void sizeBelowTheFat32MinimumIsRefusedWithTheSmallestThatWorks() throws Exception {
    FsTree tree = treeWith("/EFI/BOOT/BOOTX64.EFI", new FsNode.RegularFile(EspTrees.FILE,
        EspTrees.randomFile(tmp, "/boot", 1000)));
    long size = 32 * MIB;
    String message = refused(tree, size).getMessage();
    assertTrue(message.startsWith(size + " bytes give "), message);
    assertTrue(message.contains("FAT32 needs at least 65525"), message);
    long advised = advisedMib(message);
    write(tree, advised * MIB);
    assertTrue(refused(tree, (advised - 1) * MIB).getMessage().contains("FAT32 needs at least 65525"));
  }

  @Test
  void contentLargerThanTheFilesystemIsRefusedWithTheSizeNeeded() throws Exception {
    long fileSize = 50 * MIB;
    FsTree tree = treeWith("/EFI/BOOT/BOOTX64.EFI", new FsNode.RegularFile(EspTrees.FILE,
        EspTrees.sparseFile(tmp.resolve("big"), fileSize)));
    long size = 40 * MIB;
    String message = refused(tree, size).getMessage();
    assertTrue(message.startsWith("the tree needs "), message);
    assertTrue(message.contains("but " + size + " bytes give only"), message);
    long advised = advisedMib(message);
    assertTrue(advised * MIB > fileSize, message);
    write(tree, advised * MIB);
    assertTrue(refused(tree, (advised - 1) * MIB).getMessage().startsWith("the tree needs "));
  }

  @Test
  void sizeAbove32GibIsRefused() throws Exception {
    long size = (32L << 30) + MIB;
    String message = refused(new FsTreeBuilder(EspTrees.DIR).build(), size).getMessage();
    assertTrue(message.startsWith(size + " bytes is larger than"), message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "esp", "TWELVE CHARS", " ESP", "EFI.SYSTEM"})
  void labelOutsideFatsCharactersIsRefused(String label) {
    assertThrows(IllegalArgumentException.class, () -> new FatOptions(1, label, 0, 0));
  }

  private static long advisedMib(String message) {
    Matcher m = ADVICE.matcher(message);
    assertTrue(m.find(), message);
    assertEquals(Long.parseLong(m.group(1)) * MIB, Long.parseLong(m.group(2)), message);
    return Long.parseLong(m.group(1));
  }
}

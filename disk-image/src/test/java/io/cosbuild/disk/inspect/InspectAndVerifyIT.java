package io.cosbuild.disk.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.disk.Fixtures;
import io.cosbuild.disk.Tools;
import io.cosbuild.disk.gpt.Architecture;
import io.cosbuild.disk.gpt.RootHash;
import io.cosbuild.disk.layout.DataExtents;
import io.cosbuild.disk.layout.DiskImageWriter;
import io.cosbuild.disk.layout.DiskLayout;
import io.cosbuild.disk.layout.PartitionRole;
import io.cosbuild.disk.layout.PlannedPartition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inspection checked against unsquashfs, veritysetup dump and dumpe2fs; verification with veritysetup verify as
 * the {@link VerityChecker}, and tampering of ROOT-A, VERITY-A, the primary GPT and the manifest.
 */
class InspectAndVerifyIT {
  @TempDir
  Path dir;

  private Fixtures.Images img;
  private DiskLayout layout;
  private Path disk;

  @BeforeEach
  void writeDisk() throws Exception {
    img = Fixtures.make(dir);
    layout = DiskLayout.plan(Fixtures.request(Architecture.X86_64, 64L << 20, img, false));
    disk = DiskImageWriter.write(layout, dir.resolve("disk.raw")).path();
  }

  @Test
  void inspectReportsFilesystemsVerityFactsAndRootHashAsTheReferenceToolsDo() throws Exception {
    DiskReport r = DiskInspector.inspect(disk);
    assertTrue(r.gptProblems().isEmpty(), r.gptProblems().toString());
    Map<String, PartitionReport> byName = r.partitions().stream()
        .collect(Collectors.toMap(PartitionReport::name, p -> p));
    assertEquals(List.of("EFI-SYSTEM", "ROOT-A", "VERITY-A", "ROOT-B", "VERITY-B", "OEM", "STATE"),
        r.partitions().stream().map(PartitionReport::name).toList());

    PartitionReport root = byName.get("ROOT-A");
    assertEquals("squashfs", root.filesystem());
    assertEquals(field(Tools.run("unsquashfs", "-s", img.root().toString()), "Filesystem size (\\d+) bytes"),
        String.valueOf(root.filesystemBytes()));

    PartitionReport verity = byName.get("VERITY-A");
    assertEquals("verity", verity.filesystem());
    String dump = Tools.run("veritysetup", "dump", img.verity().toString());
    VerityFacts f = verity.verity();
    assertNotNull(f);
    assertEquals(field(dump, "UUID:\\s+(\\S+)"), f.uuid().toString());
    assertEquals(field(dump, "Salt:\\s+(\\S+)"), f.salt());
    assertEquals(field(dump, "Data blocks:\\s+(\\d+)"), String.valueOf(f.dataBlocks()));
    assertEquals(field(dump, "Hash algorithm:\\s+(\\S+)"), f.algorithm());
    assertEquals(field(dump, "Data block size:\\s+(\\d+)"), String.valueOf(f.dataBlockSize()));
    assertEquals(field(dump, "Hash type:\\s+(\\d+)"), String.valueOf(f.hashType()));
    assertEquals(img.rootHash().hex(), verity.rootHashFromUuids());

    PartitionReport oem = byName.get("OEM");
    assertEquals("ext4", oem.filesystem());
    String e2 = Tools.run("dumpe2fs", "-h", img.oem().toString());
    assertEquals(Long.parseLong(field(e2, "Block count:\\s+(\\d+)")) * Long.parseLong(field(e2, "Block size:\\s+(\\d+)")),
        oem.filesystemBytes());
    assertEquals("none", byName.get("ROOT-B").filesystem());
    assertTrue(root.flags().contains("read-only") && root.flags().contains("priority=2"), root.flags().toString());
    assertTrue(DiskInspector.toText(r).contains("root hash (from partition UUIDs) " + img.rootHash().hex()));
  }

  @Test
  void anUntouchedDiskVerifies() throws Exception {
    VerifyReport r = verify(layout.manifestPartitions(), img.rootHash());
    assertTrue(r.ok(), r.differences().toString());
  }

  /** A disk on its own: the GPT and the verity pair are checked, there is no table to compare with. */
  @Test
  void withoutAManifestTheGptAndTheVerityPairAreCheckedStill() throws Exception {
    VerifyReport r = verify(null, img.rootHash());
    assertTrue(r.ok(), r.differences().toString());
    flipByte(layout.partition(PartitionRole.ROOT_A).orElseThrow().offsetBytes() + 5000);
    flipByte(512 + 200);
    r = verify(null, img.rootHash());
    assertNamed(r, "ROOT-A/VERITY-A: recomputed dm-verity tree");
    assertNamed(r, "GPT");
  }

  @Test
  void oneByteInRootAIsFound() throws Exception {
    flipByte(layout.partition(PartitionRole.ROOT_A).orElseThrow().offsetBytes() + 5000);
    assertNamed(verify(layout.manifestPartitions(), img.rootHash()), "ROOT-A/VERITY-A: recomputed dm-verity tree");
  }

  @Test
  void oneByteInVerityAIsFound() throws Exception {
    // Past the 4 KiB superblock block: inside the hash tree.
    flipByte(layout.partition(PartitionRole.VERITY_A).orElseThrow().offsetBytes() + 4096 + 7);
    assertNamed(verify(layout.manifestPartitions(), img.rootHash()), "ROOT-A/VERITY-A: recomputed dm-verity tree");
  }

  @Test
  void oneByteInThePrimaryGptEntriesIsFoundByUsAndBySgdisk() throws Exception {
    flipByte(2 * 512 + 128 + 60); // LBA 2, entry 2 (ROOT-A), inside its name
    VerifyReport r = verify(layout.manifestPartitions(), img.rootHash());
    assertNamed(r, "GPT: primary GPT entry array at LBA 2: CRC32");
    assertNamed(r, "GPT: backup GPT entry 2 differs from the primary entry");
    assertFalse(Tools.exec("sgdisk", "-v", disk.toString()).out().contains("No problems found"));
  }

  @Test
  void oneByteInThePrimaryGptHeaderIsFound() throws Exception {
    flipByte(512 + 60); // LBA 1, inside the disk GUID
    VerifyReport r = verify(layout.manifestPartitions(), img.rootHash());
    assertNamed(r, "GPT: primary GPT header at LBA 1: header CRC32");
    // sgdisk falls back to the backup and says so.
    Tools.Run sg = Tools.exec("sgdisk", "-v", disk.toString());
    assertTrue((sg.out() + sg.err()).contains("Main header: ERROR"), sg.out() + sg.err());
  }

  @Test
  void aChangedManifestIsFound() throws Exception {
    List<ManifestPartition> manifest = new ArrayList<>(layout.manifestPartitions());
    ManifestPartition oem = manifest.get(5);
    manifest.set(5, new ManifestPartition(oem.number(), oem.name(), oem.typeGuid(), oem.partGuid(),
        oem.firstLba(), oem.lastLba() + 1, oem.attributes(), oem.empty()));
    VerifyReport r = verify(manifest, img.rootHash());
    assertNamed(r, "partition 6 (OEM): last LBA on the disk is " + oem.lastLba() + ", manifest.json says "
        + (oem.lastLba() + 1));
    assertEquals(1, r.differences().size(), r.differences().toString());

    String h = img.rootHash().hex();
    RootHash other = new RootHash(h.substring(0, 10) + (h.charAt(10) == '0' ? '1' : '0') + h.substring(11));
    VerifyReport r2 = verify(layout.manifestPartitions(), other);
    assertNamed(r2, "ROOT-A: partition GUID (first half of the root hash)");
    assertNamed(r2, "ROOT-A/VERITY-A: recomputed dm-verity tree does not match root hash " + other.hex());
  }

  @Test
  void anAttributeSetBySgdiskIsFound() throws Exception {
    // An updater's way to make the empty B slot the one to boot: priority 15 on ROOT-B.
    Tools.run("sgdisk", "-A", "4:set:48", "-A", "4:set:49", "-A", "4:set:50", "-A", "4:set:51", disk.toString());
    assertNamed(verify(layout.manifestPartitions(), img.rootHash()), "partition 4 (ROOT-B): attributes on the disk are");
  }

  @Test
  void bytesOutsideTheVerityTreeAndInEmptyPartitionsAreFound() throws Exception {
    PlannedPartition root = layout.partition(PartitionRole.ROOT_A).orElseThrow();
    PlannedPartition hash = layout.partition(PartitionRole.VERITY_A).orElseThrow();
    long treeEnd = Files.size(img.verity()); // veritysetup format's hash file: superblock and tree
    String dump = Tools.run("veritysetup", "dump", img.verity().toString());
    long dataBytes = Long.parseLong(field(dump, "Data blocks:\\s+(\\d+)")) * Long.parseLong(field(dump, "Data block size:\\s+(\\d+)"));
    flipByte(root.offsetBytes() + dataBytes + 10); // after the data the tree covers, inside ROOT-A
    flipByte(hash.offsetBytes() + 400); // reserved bytes after the salt field, in the superblock's 512
    flipByte(hash.offsetBytes() + 1000); // rest of the superblock's hash block
    flipByte(hash.offsetBytes() + treeEnd + 10); // after the tree
    // The empty B slot is a hole in the sparse disk, which verify skips: the byte is found because writing it
    // made data there.
    PlannedPartition b = layout.partition(PartitionRole.ROOT_B).orElseThrow();
    assertTrue(DataExtents.of(disk, Files.size(disk)).stream()
        .noneMatch(e -> e[0] < b.offsetBytes() + b.sizeBytes() && e[0] + e[1] > b.offsetBytes()), "ROOT-B is a hole");
    flipByte(b.offsetBytes() + 4096);
    // veritysetup, the reference, still verifies the pair: none of these bytes is in the tree.
    try (FileChannel ch = FileChannel.open(disk, StandardOpenOption.READ)) {
      assertTrue(veritysetupVerify(ch, root.offsetBytes(), hash.offsetBytes(), VerityFacts.parse(Files.readAllBytes(img.verity()), "hash"),
          img.rootHash()));
    }
    VerifyReport r = DiskVerifier.verify(disk, layout.manifestPartitions(),
        List.of(new VerityExpectation(2, 3, img.rootHash(), true, null, treeEnd)), this::veritysetupVerify);
    assertNamed(r, "ROOT-A: byte " + (dataBytes + 10) + " of the partition");
    assertNamed(r, "VERITY-A: the verity superblock has bytes its fields do not account for");
    assertNamed(r, "VERITY-A: byte 1000 of the partition");
    assertNamed(r, "ROOT-B: byte 4096 of the partition");
    assertNamed(r, "VERITY-A: byte " + (treeEnd + 10) + " of the partition");
    assertEquals(5, r.differences().size(), r.differences().toString());
  }

  /** Sectors no CRC covers: the MBR's boot code (run by a BIOS), the tail of a header sector, a gap. */
  @Test
  void bytesOutsideThePartitionsAndTheGptCrcsAreFound() throws Exception {
    long firstPartition = layout.manifestPartitions().stream().mapToLong(ManifestPartition::firstLba).min().orElseThrow();
    assertTrue(firstPartition > 40, "a gap before the first partition: " + firstPartition);
    flipByte(100); // MBR boot code
    flipByte(512 + 200); // LBA 1 after the 92-byte header
    flipByte(40 * 512 + 7); // between the entry array and the first partition
    // The reference finds nothing wrong: none of these bytes is in the table or its CRCs.
    assertTrue(Tools.exec("sgdisk", "-v", disk.toString()).out().contains("No problems found"));
    VerifyReport r = verify(layout.manifestPartitions(), img.rootHash());
    assertNamed(r, "LBA 0: byte 100 of the protective MBR");
    assertNamed(r, "GPT header sector at LBA 1: disk byte " + (512 + 200));
    assertNamed(r, "sectors 34-" + (firstPartition - 1) + " (outside every partition): disk byte " + (40 * 512 + 7));
    assertEquals(3, r.differences().size(), r.differences().toString());
  }

  private VerifyReport verify(List<ManifestPartition> manifest, RootHash rootHash) throws IOException {
    return DiskVerifier.verify(disk, manifest, List.of(new VerityExpectation(2, 3, rootHash, true)),
        this::veritysetupVerify);
  }

  /** The reference checker: veritysetup verify on copies of the two partitions. */
  private boolean veritysetupVerify(FileChannel ch, long dataOffset, long hashOffset, VerityFacts facts,
      RootHash expected) throws IOException {
    PlannedPartition data = layout.partition(PartitionRole.ROOT_A).orElseThrow();
    PlannedPartition hash = layout.partition(PartitionRole.VERITY_A).orElseThrow();
    assertEquals(data.offsetBytes(), dataOffset);
    assertEquals(hash.offsetBytes(), hashOffset);
    Path d = extract(ch, dataOffset, facts.dataBytes(), "data.part");
    Path h = extract(ch, hashOffset, hash.sizeBytes(), "hash.part");
    try {
      return Tools.exec("veritysetup", "verify", d.toString(), h.toString(), expected.hex()).code() == 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private Path extract(FileChannel ch, long offset, long length, String name) throws IOException {
    Path p = dir.resolve(name);
    try (FileChannel out = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      long done = 0;
      while (done < length) {
        done += ch.transferTo(offset + done, length - done, out);
      }
    }
    return p;
  }

  private void flipByte(long offset) throws IOException {
    try (FileChannel ch = FileChannel.open(disk, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, offset);
      b.put(0, (byte) (b.get(0) ^ 0x01)).rewind();
      ch.write(b, offset);
    }
    assertTrue(Files.size(disk) > offset);
  }

  private static void assertNamed(VerifyReport r, String expected) {
    assertFalse(r.ok());
    assertTrue(r.differences().stream().anyMatch(d -> d.startsWith(expected) || d.contains(expected)),
        "expected a difference naming '" + expected + "' in " + r.differences());
  }

  private static String field(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), "no '" + regex + "' in:\n" + text);
    return m.group(1);
  }
}

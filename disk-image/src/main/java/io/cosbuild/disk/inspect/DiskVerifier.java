package io.cosbuild.disk.inspect;

import io.cosbuild.disk.DiskImageException;
import io.cosbuild.disk.gpt.GptAttributes;
import io.cosbuild.disk.gpt.GptHeader;
import io.cosbuild.disk.gpt.GptPartition;
import io.cosbuild.disk.gpt.GptPartitionEntry;
import io.cosbuild.disk.gpt.GptReader;
import io.cosbuild.disk.gpt.GptTable;
import io.cosbuild.disk.gpt.ProtectiveMbr;
import io.cosbuild.disk.layout.DataExtents;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The offline checks of {@code cosbuild verify}: GPT CRCs and primary/backup agreement, the partition table
 * against the manifest's, and each verity pair (superblock present and consistent, UUID convention, tree
 * recomputed by a {@link VerityChecker}). Collects every difference rather than stopping at the first.
 * Stateless and thread-safe.
 */
public final class DiskVerifier {
  private DiskVerifier() {}

  public static VerifyReport verify(Path disk, List<ManifestPartition> manifest, List<VerityExpectation> verity,
      VerityChecker checker) throws IOException {
    return verify(disk, null, manifest, verity, checker);
  }

  /**
   * As {@link #verify(Path, List, List, VerityChecker)}, and the GPT's disk GUID must be {@code diskGuid} (null: any).
   * A null {@code manifest} checks the GPT and the verity pairs only (a disk on its own, perhaps grown since).
   */
  public static VerifyReport verify(Path disk, UUID diskGuid, List<ManifestPartition> manifest, List<VerityExpectation> verity,
      VerityChecker checker) throws IOException {
    try (FileChannel ch = FileChannel.open(disk, StandardOpenOption.READ)) {
      // Built disks are sparse: the gigabytes of empty partitions are holes, which need not be read to be zeros.
      return verify(new Disk(ch, DataExtents.of(disk, ch.size())), diskGuid, manifest, verity, checker);
    }
  }

  /**
   * A disk open for reading and the byte ranges {@code {offset, length}} that may hold data, in order; the rest
   * are holes, which read as zeros.
   */
  private record Disk(FileChannel ch, List<long[]> data) {}

  private static VerifyReport verify(Disk d, UUID diskGuid, List<ManifestPartition> manifest,
      List<VerityExpectation> verity, VerityChecker checker) throws IOException {
    FileChannel ch = d.ch();
    List<String> diffs = new ArrayList<>();
    GptReader.Result gpt = GptReader.read(ch);
    for (String p : gpt.problems()) {
      diffs.add("GPT: " + p);
    }
    if (diskGuid != null && gpt.diskGuid().isPresent()) {
      differ(diffs, "GPT", "disk GUID", gpt.diskGuid().get(), diskGuid);
    }
    if (gpt.ok()) {
      checkOutsidePartitions(d, gpt, diffs);
    }
    Map<Integer, GptPartitionEntry> onDisk = new TreeMap<>();
    for (GptPartition p : gpt.partitions()) {
      onDisk.put(p.number(), p.entry());
    }
    Map<Integer, ManifestPartition> expected = new TreeMap<>();
    for (ManifestPartition m : manifest == null ? List.<ManifestPartition>of() : manifest) {
      expected.put(m.number(), m);
    }
    for (ManifestPartition m : expected.values()) {
      String what = "partition " + m.number() + " (" + m.name() + ")";
      GptPartitionEntry e = onDisk.get(m.number());
      if (e == null) {
        diffs.add(what + ": in manifest.json but not on the disk");
        continue;
      }
      differ(diffs, what, "name", e.name(), m.name());
      differ(diffs, what, "type GUID", e.typeGuid(), m.typeGuid());
      differ(diffs, what, "partition GUID", e.partGuid(), m.partGuid());
      differ(diffs, what, "first LBA", e.firstLba(), m.firstLba());
      differ(diffs, what, "last LBA", e.lastLba(), m.lastLba());
      if (e.attributes().bits() != m.attributes()) {
        diffs.add(what + ": attributes on the disk are " + describe(e.attributes()) + ", manifest.json says "
            + describe(new GptAttributes(m.attributes())));
      }
      if (m.empty() && e.lastLba() < ch.size() / 512) {
        requireZeros(d, e, e.firstLba() * 512, "the build left this partition empty (all zeros)", diffs);
      }
    }
    for (Map.Entry<Integer, GptPartitionEntry> e : onDisk.entrySet()) {
      if (manifest != null && !expected.containsKey(e.getKey())) {
        diffs.add("partition " + e.getKey() + " (" + e.getValue().name() + "): on the disk but not in manifest.json");
      }
    }
    for (VerityExpectation v : verity) {
      checkVerity(d, v, onDisk, checker, diffs);
    }
    return new VerifyReport(diffs);
  }

  private static void checkVerity(Disk d, VerityExpectation v, Map<Integer, GptPartitionEntry> onDisk,
      VerityChecker checker, List<String> diffs) throws IOException {
    FileChannel ch = d.ch();
    GptPartitionEntry data = onDisk.get(v.dataPartition());
    GptPartitionEntry hash = onDisk.get(v.hashPartition());
    if (data == null || hash == null) {
      diffs.add("verity pair " + v.dataPartition() + "/" + v.hashPartition() + ": partition missing on the disk");
      return;
    }
    String what = data.name() + "/" + hash.name();
    if (v.uuidsFromRootHash()) {
      differ(diffs, data.name(), "partition GUID (first half of the root hash)", data.partGuid(),
          v.rootHash().dataPartitionUuid());
      differ(diffs, hash.name(), "partition GUID (last half of the root hash)", hash.partGuid(),
          v.rootHash().hashPartitionUuid());
    }
    long sectors = ch.size() / 512;
    if (data.lastLba() >= sectors || hash.lastLba() >= sectors) {
      diffs.add(what + ": partitions extend beyond the end of the disk");
      return;
    }
    long hashOffset = hash.firstLba() * 512;
    long dataOffset = data.firstLba() * 512;
    byte[] sb = new byte[VerityFacts.SIZE];
    readFully(ch, ByteBuffer.wrap(sb), hashOffset);
    VerityFacts facts;
    try {
      facts = VerityFacts.parse(sb, hash.name() + " at byte " + hashOffset);
    } catch (DiskImageException e) {
      diffs.add(e.getMessage());
      return;
    }
    if (facts.dataBytes() > data.sizeSectors() * 512) {
      diffs.add(what + ": verity superblock covers " + facts.dataBytes() + " bytes but " + data.name() + " has only "
          + data.sizeSectors() * 512);
      return;
    }
    if (v.superblock() != null) {
      VerityFacts m = v.superblock();
      String label = hash.name() + " verity superblock";
      differ(diffs, label, "hash type", facts.hashType(), m.hashType());
      differ(diffs, label, "algorithm", facts.algorithm(), m.algorithm());
      differ(diffs, label, "data block size", facts.dataBlockSize(), m.dataBlockSize());
      differ(diffs, label, "hash block size", facts.hashBlockSize(), m.hashBlockSize());
      differ(diffs, label, "data blocks", facts.dataBlocks(), m.dataBlocks());
      differ(diffs, label, "salt", facts.salt(), m.salt());
    }
    try {
      if (!VerityFacts.canonical(sb, hash.name())) {
        diffs.add(hash.name() + ": the verity superblock has bytes its fields do not account for (padding or reserved bytes changed)");
      }
    } catch (DiskImageException e) {
      diffs.add(e.getMessage());
    }
    if (!checker.check(ch, dataOffset, hashOffset, facts, v.rootHash())) {
      diffs.add(what + ": recomputed dm-verity tree does not match root hash " + v.rootHash().hex()
          + " (data or hash partition modified)");
    }
    // What the tree does not cover must be as the build left it: zeros.
    requireZeros(d, data, dataOffset + facts.dataBytes(), "the build wrote zeros after the " + facts.dataBytes() + " bytes the verity tree covers", diffs);
    requireZeros(d, hash, hashOffset + VerityFacts.SIZE, facts.hashBlockSize() - VerityFacts.SIZE, "the build wrote zeros after the superblock",
        diffs);
    if (v.hashBytes() > 0) {
      requireZeros(d, hash, hashOffset + v.hashBytes(), "the build wrote zeros after the " + v.hashBytes() + " bytes of superblock and tree", diffs);
    }
  }

  /**
   * The sectors outside the partitions that the GPT's CRCs do not cover, as the build writes them: the
   * protective MBR byte for byte (its boot code runs on a BIOS boot), zeros after each 92-byte header, and
   * zeros in every gap. Only for a healthy GPT laid out as the build lays it out (128 entries at LBA 2).
   */
  private static void checkOutsidePartitions(Disk d, GptReader.Result gpt, List<String> diffs) throws IOException {
    FileChannel ch = d.ch();
    long sectors = gpt.diskSectors();
    byte[] mbr = new byte[GptHeader.SECTOR];
    readFully(ch, ByteBuffer.wrap(mbr), 0);
    int at = Arrays.mismatch(mbr, ProtectiveMbr.forDisk(sectors).toBytes());
    if (at >= 0) {
      diffs.add("LBA 0: byte " + at + " of the protective MBR is not the build's (boot code, disk signature or partition records changed)");
    }
    for (long lba : new long[] {1, sectors - 1}) {
      requireZeros(d, lba * GptHeader.SECTOR + GptHeader.HEADER_SIZE, (lba + 1) * GptHeader.SECTOR,
          "GPT header sector at LBA " + lba, "the build wrote zeros after the " + GptHeader.HEADER_SIZE + "-byte header", diffs);
    }
    List<long[]> used = new ArrayList<>();
    used.add(new long[] {0, GptTable.FIRST_USABLE_LBA - 1});
    used.add(new long[] {sectors - 1 - GptTable.ENTRY_SECTORS, sectors - 1});
    for (GptPartition p : gpt.partitions()) {
      used.add(new long[] {p.entry().firstLba(), p.entry().lastLba()});
    }
    used.sort(Comparator.comparingLong((long[] r) -> r[0]));
    long next = 0;
    for (long[] r : used) {
      if (r[0] > next) {
        requireZeros(d, next * GptHeader.SECTOR, r[0] * GptHeader.SECTOR, "sectors " + next + "-" + (r[0] - 1)
            + " (outside every partition)", "the build left them zero", diffs);
      }
      next = Math.max(next, r[1] + 1);
    }
  }

  private static String describe(GptAttributes a) {
    return a.hex() + " (" + (a.describe().isEmpty() ? "none" : String.join(", ", a.describe())) + ")";
  }

  /** Adds a difference naming the first non-zero byte of {@code p} from disk byte {@code from} to its end. */
  private static void requireZeros(Disk d, GptPartitionEntry p, long from, String why, List<String> diffs)
      throws IOException {
    requireZeros(d, p, from, (p.lastLba() + 1) * 512 - from, why, diffs);
  }

  private static void requireZeros(Disk d, GptPartitionEntry p, long from, long length, String why, List<String> diffs)
      throws IOException {
    long end = Math.min(from + length, Math.min((p.lastLba() + 1) * 512, d.ch().size()));
    long at = firstNonZero(d, from, end);
    if (at >= 0) {
      diffs.add(p.name() + ": byte " + (at - p.firstLba() * 512) + " of the partition (disk byte " + at + ") is not zero: " + why);
    }
  }

  private static void requireZeros(Disk d, long from, long end, String what, String why, List<String> diffs)
      throws IOException {
    long at = firstNonZero(d, from, Math.min(end, d.ch().size()));
    if (at >= 0) {
      diffs.add(what + ": disk byte " + at + " is not zero: " + why);
    }
  }

  private static final byte[] ZEROS = new byte[1 << 20];

  /** The disk offset of the first non-zero byte in {@code [from, end)}, or -1; holes are not read. */
  private static long firstNonZero(Disk d, long from, long end) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(ZEROS.length);
    for (long[] extent : d.data()) {
      long start = Math.max(from, extent[0]);
      long stop = Math.min(end, extent[0] + extent[1]);
      for (long at = start; at < stop; at += buf.limit()) {
        buf.clear().limit((int) Math.min(buf.capacity(), stop - at));
        readFully(d.ch(), buf, at);
        int i = Arrays.mismatch(buf.array(), 0, buf.position(), ZEROS, 0, buf.position());
        if (i >= 0) {
          return at + i;
        }
      }
    }
    return -1;
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long at) throws IOException {
    while (buf.hasRemaining() && ch.read(buf, at + buf.position()) >= 0) {
      // fill the buffer, or stop at the end of the file
    }
  }

  private static void differ(List<String> diffs, String what, String field, Object disk, Object manifest) {
    if (!Objects.equals(disk, manifest)) {
      diffs.add(what + ": " + field + " on the disk is " + disk + ", manifest.json says " + manifest);
    }
  }
}

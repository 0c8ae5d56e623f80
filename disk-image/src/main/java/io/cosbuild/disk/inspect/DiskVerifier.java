package io.cosbuild.disk.inspect;

import io.cosbuild.disk.DiskImageException;
import io.cosbuild.disk.gpt.GptPartition;
import io.cosbuild.disk.gpt.GptPartitionEntry;
import io.cosbuild.disk.gpt.GptReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

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
    try (FileChannel ch = FileChannel.open(disk, StandardOpenOption.READ)) {
      return verify(ch, manifest, verity, checker);
    }
  }

  /** As {@link #verify(Path, List, List, VerityChecker)} on an open disk; the caller closes the channel. */
  public static VerifyReport verify(FileChannel ch, List<ManifestPartition> manifest, List<VerityExpectation> verity,
      VerityChecker checker) throws IOException {
    List<String> diffs = new ArrayList<>();
    GptReader.Result gpt = GptReader.read(ch);
    for (String p : gpt.problems()) {
      diffs.add("GPT: " + p);
    }
    Map<Integer, GptPartitionEntry> onDisk = new TreeMap<>();
    for (GptPartition p : gpt.partitions()) {
      onDisk.put(p.number(), p.entry());
    }
    Map<Integer, ManifestPartition> expected = new TreeMap<>();
    for (ManifestPartition m : manifest) {
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
    }
    for (Map.Entry<Integer, GptPartitionEntry> e : onDisk.entrySet()) {
      if (!expected.containsKey(e.getKey())) {
        diffs.add("partition " + e.getKey() + " (" + e.getValue().name() + "): on the disk but not in manifest.json");
      }
    }
    for (VerityExpectation v : verity) {
      checkVerity(ch, v, onDisk, checker, diffs);
    }
    return new VerifyReport(diffs);
  }

  private static void checkVerity(FileChannel ch, VerityExpectation v, Map<Integer, GptPartitionEntry> onDisk,
      VerityChecker checker, List<String> diffs) throws IOException {
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
    ByteBuffer b = ByteBuffer.wrap(sb);
    while (b.hasRemaining() && ch.read(b, hashOffset + b.position()) >= 0) {
      // read the whole superblock
    }
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
    if (!checker.check(ch, dataOffset, hashOffset, facts, v.rootHash())) {
      diffs.add(what + ": recomputed dm-verity tree does not match root hash " + v.rootHash().hex()
          + " (data or hash partition modified)");
    }
  }

  private static void differ(List<String> diffs, String what, String field, Object disk, Object manifest) {
    if (!Objects.equals(disk, manifest)) {
      diffs.add(what + ": " + field + " on the disk is " + disk + ", manifest.json says " + manifest);
    }
  }
}

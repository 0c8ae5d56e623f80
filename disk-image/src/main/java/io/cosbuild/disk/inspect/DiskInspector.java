package io.cosbuild.disk.inspect;

import io.cosbuild.disk.DiskImageException;
import io.cosbuild.disk.gpt.GptPartition;
import io.cosbuild.disk.gpt.GptPartitionEntry;
import io.cosbuild.disk.gpt.GptReader;
import io.cosbuild.disk.gpt.PartitionType;
import io.cosbuild.disk.gpt.RootHash;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Reads a disk's GPT and the first bytes of each partition: the data behind {@code cosbuild disk inspect}.
 * Stateless and thread-safe.
 */
public final class DiskInspector {
  private static final Map<PartitionType, PartitionType> VERITY_TO_ROOT = Map.of(
      PartitionType.ROOT_X86_64_VERITY, PartitionType.ROOT_X86_64,
      PartitionType.ROOT_ARM64_VERITY, PartitionType.ROOT_ARM64,
      PartitionType.USR_X86_64_VERITY, PartitionType.USR_X86_64,
      PartitionType.USR_ARM64_VERITY, PartitionType.USR_ARM64);

  private DiskInspector() {}

  /**
   * Inspects the raw disk image or block device at {@code disk}.
   *
   * @throws DiskImageException if it is no raw disk (a directory, a FIFO, a qcow2 image...), saying what it is
   */
  public static DiskReport inspect(Path disk) throws IOException, DiskImageException {
    try (FileChannel ch = DiskFile.open(disk)) {
      return inspect(ch);
    }
  }

  /** Inspects an open disk; the caller closes the channel. */
  public static DiskReport inspect(FileChannel ch) throws IOException {
    GptReader.Result gpt = GptReader.read(ch);
    List<PartitionReport> parts = new ArrayList<>();
    List<GptPartition> list = gpt.partitions();
    for (int i = 0; i < list.size(); i++) {
      GptPartition p = list.get(i);
      GptPartitionEntry e = p.entry();
      // Compare in sectors first: hostile LBAs must not overflow into a valid-looking offset.
      boolean inside = e.lastLba() < gpt.diskSectors();
      long offset = inside ? e.firstLba() * 512 : -1;
      // The size the entry declares, even past the disk's end; -1 only beyond 8 EiB, where no disk reaches.
      long size = e.sizeSectors() <= Long.MAX_VALUE / 512 ? e.sizeSectors() * 512 : -1;
      FilesystemInfo fs = inside ? FilesystemInfo.probe(ch, offset, size)
          : new FilesystemInfo("beyond the end of the disk", -1, null);
      String rootHash = null;
      PartitionType type = PartitionType.byGuid(e.typeGuid()).orElse(null);
      if (i > 0 && fs.verity() != null && "sha256".equals(fs.verity().algorithm()) && VERITY_TO_ROOT.containsKey(type)) {
        GptPartition prev = list.get(i - 1);
        if (prev.number() == p.number() - 1 && prev.entry().typeGuid().equals(VERITY_TO_ROOT.get(type).guid())) {
          rootHash = RootHash.fromSha256PartitionUuids(prev.entry().partGuid(), e.partGuid()).hex();
        }
      }
      parts.add(new PartitionReport(p.number(), e.name(), e.typeGuid().toString(),
          type == null ? "unknown" : type.description(), e.partGuid().toString(), e.firstLba(), e.lastLba(), offset,
          size, e.attributes().hex(), e.attributes().describe(), fs.type(), fs.sizeBytes(), fs.compression(), fs.verity(), rootHash));
    }
    return new DiskReport(ch.size(), gpt.diskGuid().map(UUID::toString).orElse(null), gpt.problems(), parts);
  }

  /** The human-readable form printed by {@code cosbuild disk inspect}. */
  public static String toText(DiskReport r) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "Disk: %d bytes (%.1f MiB), GUID %s%n", r.sizeBytes(),
        r.sizeBytes() / 1048576.0, r.diskGuid() == null ? "-" : r.diskGuid()));
    sb.append(r.gptProblems().isEmpty() ? "GPT: ok (primary and backup agree, CRCs valid)\n" : "GPT problems:\n");
    for (String p : r.gptProblems()) {
      sb.append("  ").append(p).append('\n');
    }
    sb.append(String.format(Locale.ROOT, "%-3s %-11s %10s %10s %10s  %-10s %s%n", "#", "Name", "Start LBA",
        "End LBA", "Size MiB", "Content", "Type / GUID / attributes"));
    for (PartitionReport p : r.partitions()) {
      // From the LBAs, which hold any declared size (sizeBytes is -1 past 8 EiB).
      double mib = (p.lastLba() - p.firstLba() + 1.0) / 2048;
      sb.append(String.format(Locale.ROOT, "%-3d %-11s %10d %10d %10.1f  %-10s %s%n", p.number(), p.name(),
          p.firstLba(), p.lastLba(), mib, p.filesystem(), p.typeName()));
      sb.append(String.format(Locale.ROOT, "%47s type %s, partition %s%n", "", p.typeGuid(), p.partGuid()));
      if (!p.flags().isEmpty()) {
        sb.append(String.format(Locale.ROOT, "%47s attributes %s %s%n", "", p.attributes(), p.flags()));
      }
      if (p.filesystemBytes() >= 0) {
        sb.append(String.format(Locale.ROOT, "%47s file system size %d bytes%n", "", p.filesystemBytes()));
      }
      if (p.compression() != null) {
        sb.append(String.format(Locale.ROOT, "%47s compression %s%n", "", p.compression()));
      }
      VerityFacts v = p.verity();
      if (v != null) {
        sb.append(String.format(Locale.ROOT, "%47s verity v%d hash type %d %s, data %d x %d bytes, hash block %d%n",
            "", v.version(), v.hashType(), v.algorithm(), v.dataBlocks(), v.dataBlockSize(), v.hashBlockSize()));
        sb.append(String.format(Locale.ROOT, "%47s verity UUID %s, salt %s%n", "", v.uuid(),
            v.salt().isEmpty() ? "-" : v.salt()));
      }
      if (p.rootHashFromUuids() != null) {
        sb.append(String.format(Locale.ROOT, "%47s root hash (from partition UUIDs) %s%n", "", p.rootHashFromUuids()));
      }
    }
    return sb.toString();
  }
}

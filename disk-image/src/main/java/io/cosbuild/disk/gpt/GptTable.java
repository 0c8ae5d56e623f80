package io.cosbuild.disk.gpt;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * A whole GPT: disk size, disk GUID and partitions, with 128 entries of 128 bytes (the usual array, 32 sectors).
 * The constructor refuses a table that cannot be written: partitions outside the usable area, overlapping,
 * or with duplicate numbers. Immutable and thread-safe.
 *
 * @param diskSectors disk size in 512-byte sectors
 * @param diskGuid disk GUID
 * @param partitions partitions, sorted by number
 */
public record GptTable(long diskSectors, UUID diskGuid, List<GptPartition> partitions) {
  public static final int ENTRY_COUNT = 128;
  /** Sectors of the entry array: 128 entries * 128 bytes / 512. */
  public static final int ENTRY_SECTORS = ENTRY_COUNT * GptPartitionEntry.SIZE / GptHeader.SECTOR;
  /** First usable LBA: protective MBR, header, entry array. */
  public static final long FIRST_USABLE_LBA = 2 + ENTRY_SECTORS;

  public GptTable {
    if (diskSectors < 2 * FIRST_USABLE_LBA + 1) {
      throw new IllegalArgumentException("disk of " + diskSectors + " sectors is too small for a GPT");
    }
    List<GptPartition> sorted = new ArrayList<>(partitions);
    sorted.sort(Comparator.comparingInt(GptPartition::number));
    partitions = List.copyOf(sorted);
    long lastUsable = lastUsableLba(diskSectors);
    for (int i = 0; i < partitions.size(); i++) {
      GptPartition p = partitions.get(i);
      GptPartitionEntry e = p.entry();
      if (e.firstLba() < FIRST_USABLE_LBA || e.lastLba() > lastUsable) {
        throw new IllegalArgumentException("partition " + p.number() + " (" + e.name() + ") at LBA " + e.firstLba()
            + ".." + e.lastLba() + " is outside the usable area " + FIRST_USABLE_LBA + ".." + lastUsable);
      }
      for (int j = 0; j < i; j++) {
        GptPartition q = partitions.get(j);
        if (q.number() == p.number()) {
          throw new IllegalArgumentException("partition number " + p.number() + " is used twice");
        }
        if (q.entry().firstLba() <= e.lastLba() && e.firstLba() <= q.entry().lastLba()) {
          throw new IllegalArgumentException("partitions " + q.number() + " and " + p.number() + " overlap");
        }
      }
    }
  }

  public static long lastUsableLba(long diskSectors) {
    return diskSectors - 1 - ENTRY_SECTORS - 1;
  }

  public long lastUsableLba() {
    return lastUsableLba(diskSectors);
  }

  /** The 16 KiB entry array: each partition in its slot, unused slots zero. */
  public byte[] entryArray() {
    byte[] a = new byte[ENTRY_COUNT * GptPartitionEntry.SIZE];
    for (GptPartition p : partitions) {
      System.arraycopy(p.entry().toBytes(), 0, a, (p.number() - 1) * GptPartitionEntry.SIZE, GptPartitionEntry.SIZE);
    }
    return a;
  }

  public GptHeader primaryHeader() {
    byte[] a = entryArray();
    return new GptHeader(1, diskSectors - 1, FIRST_USABLE_LBA, lastUsableLba(), diskGuid, 2, ENTRY_COUNT,
        GptPartitionEntry.SIZE, GptHeader.crc32(a, 0, a.length));
  }

  public GptHeader backupHeader() {
    byte[] a = entryArray();
    return new GptHeader(diskSectors - 1, 1, FIRST_USABLE_LBA, lastUsableLba(), diskGuid,
        diskSectors - 1 - ENTRY_SECTORS, ENTRY_COUNT, GptPartitionEntry.SIZE, GptHeader.crc32(a, 0, a.length));
  }
}

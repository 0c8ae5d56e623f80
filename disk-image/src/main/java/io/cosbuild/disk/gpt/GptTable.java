package io.cosbuild.disk.gpt;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * A whole GPT: disk size, disk GUID and partitions, with 128 entries of 128 bytes (the usual array, 32 sectors).
 * The constructor refuses a table that cannot be written: any breach of its {@link #bounds}. Immutable and
 * thread-safe.
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
    List<String> problems = bounds(diskSectors).problems(partitions);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /** What the partitions of the table this class writes must respect. */
  public static GptBounds bounds(long diskSectors) {
    long backupArray = diskSectors - 1 - ENTRY_SECTORS;
    return new GptBounds(diskSectors, ENTRY_COUNT, FIRST_USABLE_LBA, lastUsableLba(diskSectors),
        GptBounds.gptAreas(diskSectors, GptBounds.Area.entryArray("primary", 2, ENTRY_SECTORS),
            GptBounds.Area.entryArray("backup", backupArray, ENTRY_SECTORS)));
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

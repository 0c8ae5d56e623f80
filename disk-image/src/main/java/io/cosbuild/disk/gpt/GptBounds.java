package io.cosbuild.disk.gpt;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where a table's partitions may lie, as its header declares it: numbers 1..entry count, LBAs inside the usable
 * range and on the disk, clear of each other. {@link #problems} names every breach, as {@code sgdisk -v} does:
 * {@link GptReader} reports them all, {@link GptTable} refuses a table with any. Immutable and thread-safe.
 *
 * @param diskSectors disk size in sectors
 * @param entryCount slots in the entry array: partition numbers run 1..entryCount
 * @param firstUsableLba first LBA a partition may use
 * @param lastUsableLba last LBA a partition may use
 * @param gptAreas the GPT's own sectors, to name what a partition outside the usable range lies on
 */
public record GptBounds(long diskSectors, int entryCount, long firstUsableLba, long lastUsableLba,
    List<Area> gptAreas) {
  /** Overlapping pairs listed at most: a damaged array of 32768 entries can hold half a billion. */
  static final int MAX_OVERLAPS_LISTED = 20;

  public GptBounds {
    gptAreas = List.copyOf(gptAreas);
  }

  /**
   * A named run of sectors.
   *
   * @param name what lies there
   * @param firstLba first sector
   * @param lastLba last sector, inclusive
   */
  public record Area(String name, long firstLba, long lastLba) {
    public static Area entryArray(String copy, long lba, long sectors) {
      return new Area(copy + " GPT entry array", lba, lba + sectors - 1);
    }

    boolean overlaps(GptPartitionEntry e) {
      return firstLba <= e.lastLba() && e.firstLba() <= lastLba;
    }

    @Override
    public String toString() {
      return name + " (LBA " + (firstLba == lastLba ? String.valueOf(firstLba) : firstLba + ".." + lastLba) + ")";
    }
  }

  /** The GPT's sectors: protective MBR, both headers and the two entry arrays given. */
  public static List<Area> gptAreas(long diskSectors, Area primaryArray, Area backupArray) {
    return List.of(new Area("protective MBR", 0, 0), new Area("primary GPT header", 1, 1), primaryArray,
        backupArray, new Area("backup GPT header", diskSectors - 1, diskSectors - 1));
  }

  /** Every breach, partition by partition in number order, then each overlapping pair. */
  public List<String> problems(List<GptPartition> partitions) {
    List<GptPartition> sorted = new ArrayList<>(partitions);
    sorted.sort(Comparator.comparingInt(GptPartition::number));
    List<String> problems = new ArrayList<>();
    for (GptPartition p : sorted) {
      placement(p, problems);
    }
    long overlaps = 0;
    for (int i = 1; i < sorted.size(); i++) {
      GptPartition p = sorted.get(i);
      for (int j = 0; j < i; j++) {
        GptPartition q = sorted.get(j);
        if (q.number() == p.number()) {
          problems.add("partition number " + p.number() + " is used twice");
        } else if (q.entry().firstLba() <= p.entry().lastLba() && p.entry().firstLba() <= q.entry().lastLba()
            && ++overlaps <= MAX_OVERLAPS_LISTED) {
          problems.add("partitions " + q.number() + " and " + p.number() + " overlap at LBA "
              + Math.max(q.entry().firstLba(), p.entry().firstLba()) + ".."
              + Math.min(q.entry().lastLba(), p.entry().lastLba()));
        }
      }
    }
    if (overlaps > MAX_OVERLAPS_LISTED) {
      problems.add("and " + (overlaps - MAX_OVERLAPS_LISTED) + " more overlapping pairs of partitions");
    }
    return problems;
  }

  private void placement(GptPartition p, List<String> problems) {
    GptPartitionEntry e = p.entry();
    String what = "partition " + p.number() + " (" + e.name() + ") at LBA " + e.firstLba() + ".." + e.lastLba();
    if (p.number() > entryCount) {
      problems.add("partition number " + p.number() + " is outside 1.." + entryCount);
    }
    List<String> outside = new ArrayList<>();
    if (e.firstLba() < firstUsableLba) {
      outside.add("starts " + (firstUsableLba - e.firstLba()) + " sectors before the first usable LBA "
          + firstUsableLba);
    }
    if (e.lastLba() > lastUsableLba) {
      outside.add("ends " + (e.lastLba() - lastUsableLba) + " sectors past the last usable LBA " + lastUsableLba);
    }
    List<String> on = gptAreas.stream().filter(a -> a.overlaps(e)).map(Area::toString).toList();
    // A header whose usable range covers GPT sectors is reported by the reader; its partitions there are named too.
    if (!outside.isEmpty() || !on.isEmpty()) {
      String where = on.isEmpty() ? "" : " on the " + String.join(" and the ", on);
      problems.add(what + " " + (outside.isEmpty() ? "lies" + where : String.join(" and ", outside)
          + (where.isEmpty() ? "" : "," + where)));
    }
    if (e.lastLba() >= diskSectors) {
      problems.add(what + " ends past the end of the disk (its last LBA is " + (diskSectors - 1) + ")");
    }
  }
}

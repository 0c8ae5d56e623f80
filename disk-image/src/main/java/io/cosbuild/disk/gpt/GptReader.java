package io.cosbuild.disk.gpt;

import io.cosbuild.disk.DiskImageException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads a GPT and checks it: protective MBR, both headers' CRC32s, both entry arrays' CRC32s, that the backup
 * header sits in the last sector, that primary and backup agree, and that the partitions keep to the
 * {@link GptBounds} the intact header declares (its entry count and usable range, whatever their size). Every
 * problem is collected as a message; the partitions come from the primary table when it is intact, else from the
 * backup.
 * Stateless and thread-safe; the caller owns and closes the channel.
 */
public final class GptReader {
  private GptReader() {}

  /**
   * What was read.
   *
   * @param diskSectors disk size in sectors
   * @param diskGuid the disk GUID, if a valid header was found
   * @param partitions partitions of the intact table, sorted by number
   * @param problems every inconsistency found, empty for a healthy GPT
   */
  public record Result(long diskSectors, Optional<UUID> diskGuid, List<GptPartition> partitions,
      List<String> problems) {
    public Result {
      partitions = List.copyOf(partitions);
      problems = List.copyOf(problems);
    }

    public boolean ok() {
      return problems.isEmpty();
    }
  }

  public static Result read(FileChannel disk) throws IOException {
    long size = disk.size();
    List<String> problems = new ArrayList<>();
    if (size % GptHeader.SECTOR != 0) {
      problems.add("disk size " + size + " is not a multiple of 512 bytes");
    }
    long sectors = size / GptHeader.SECTOR;
    if (sectors < 2 * GptTable.FIRST_USABLE_LBA + 1) {
      problems.add("disk of " + size + " bytes is too small to hold a GPT");
      return new Result(sectors, Optional.empty(), List.of(), problems);
    }
    try {
      ProtectiveMbr mbr = ProtectiveMbr.parse(readSector(disk, 0));
      if (mbr.sectorCount() != Math.min(sectors - 1, 0xFFFF_FFFFL)) {
        problems.add("protective MBR covers " + mbr.sectorCount() + " sectors, the disk has " + (sectors - 1)
            + " after LBA 0");
      }
    } catch (DiskImageException e) {
      problems.add("protective MBR: " + e.getMessage());
    }

    Copy primary = readCopy(disk, 1, "primary", problems);
    long backupLba = sectors - 1;
    if (primary.header != null && primary.header.backupLba() != backupLba) {
      problems.add("primary GPT header points at backup LBA " + primary.header.backupLba()
          + " but the disk's last LBA is " + backupLba);
    }
    Copy backup = readCopy(disk, backupLba, "backup", problems);
    if (primary.header != null && backup.header != null) {
      compare(primary, backup, problems);
    }
    Copy chosen = primary.intact() ? primary : backup.intact() ? backup : null;
    if (chosen == null) {
      problems.add("neither the primary nor the backup GPT is intact: no partitions can be trusted");
      return new Result(sectors, Optional.empty(), List.of(), problems);
    }
    List<GptPartition> parts = new ArrayList<>();
    for (int i = 0; i < chosen.header.entryCount(); i++) {
      try {
        GptPartitionEntry e = GptPartitionEntry.parse(chosen.entries, i * chosen.header.entrySize());
        if (e != null) {
          parts.add(new GptPartition(i + 1, e));
        }
      } catch (IllegalArgumentException ex) {
        problems.add(chosen.name + " GPT entry " + (i + 1) + ": " + ex.getMessage());
      }
    }
    for (String p : bounds(sectors, chosen.header, primary, backup).problems(parts)) {
      problems.add(chosen.name + " GPT: " + p);
    }
    return new Result(sectors, Optional.of(chosen.header.diskGuid()), parts, problems);
  }

  private static final class Copy {
    final String name;
    GptHeader header;
    byte[] entries;
    boolean entriesOk;

    Copy(String name) {
      this.name = name;
    }

    boolean intact() {
      return header != null && entriesOk;
    }
  }

  /** The partitions' bounds as {@code judged} declares them; the entry arrays where they were read. */
  private static GptBounds bounds(long sectors, GptHeader judged, Copy primary, Copy backup) {
    long n = judged.entryArraySectors();
    return new GptBounds(sectors, judged.entryCount(), judged.firstUsableLba(), judged.lastUsableLba(),
        GptBounds.gptAreas(sectors, arrayArea(primary, 2, n), arrayArea(backup, sectors - 1 - n, n)));
  }

  /** Where a copy's entry array lies: as its header says when it was read there, else where the spec puts it. */
  private static GptBounds.Area arrayArea(Copy c, long usualLba, long usualSectors) {
    return c.entries != null ? GptBounds.Area.entryArray(c.name, c.header.entriesLba(), c.header.entryArraySectors())
        : GptBounds.Area.entryArray(c.name, usualLba, usualSectors);
  }

  private static Copy readCopy(FileChannel disk, long lba, String name, List<String> problems) throws IOException {
    Copy c = new Copy(name);
    String where = name + " GPT header at LBA " + lba;
    try {
      c.header = GptHeader.parse(readSector(disk, lba), where);
    } catch (DiskImageException e) {
      problems.add(e.getMessage());
      return c;
    }
    GptHeader h = c.header;
    if (h.currentLba() != lba) {
      problems.add(where + " says it is at LBA " + h.currentLba());
    }
    long sectors = disk.size() / GptHeader.SECTOR;
    long arraySectors = h.entryArraySectors();
    if (h.entriesLba() < 1 || h.entriesLba() > sectors - arraySectors) {
      problems.add(where + ": entry array LBA " + h.entriesLba() + " is outside the disk");
      return c;
    }
    c.entries = new byte[h.entryCount() * h.entrySize()];
    readFully(disk, ByteBuffer.wrap(c.entries), h.entriesLba() * GptHeader.SECTOR);
    int crc = GptHeader.crc32(c.entries, 0, c.entries.length);
    if (crc != h.entriesCrc32()) {
      problems.add(String.format("%s GPT entry array at LBA %d: CRC32 is %08x but the header records %08x",
          name, h.entriesLba(), crc, h.entriesCrc32()));
    } else {
      c.entriesOk = true;
    }
    if (h.firstUsableLba() < h.entriesLba() + arraySectors && h.currentLba() == 1) {
      problems.add(where + ": first usable LBA " + h.firstUsableLba() + " overlaps the entry array");
    }
    if (h.lastUsableLba() >= sectors - 1 - arraySectors || h.firstUsableLba() > h.lastUsableLba()) {
      problems.add(where + ": usable range " + h.firstUsableLba() + ".." + h.lastUsableLba()
          + " does not fit the disk");
    }
    return c;
  }

  private static void compare(Copy p, Copy b, List<String> problems) {
    GptHeader ph = p.header;
    GptHeader bh = b.header;
    if (!ph.diskGuid().equals(bh.diskGuid())) {
      problems.add("backup GPT disk GUID " + bh.diskGuid() + " differs from primary " + ph.diskGuid());
    }
    if (ph.firstUsableLba() != bh.firstUsableLba() || ph.lastUsableLba() != bh.lastUsableLba()) {
      problems.add("backup GPT usable range " + bh.firstUsableLba() + ".." + bh.lastUsableLba()
          + " differs from primary " + ph.firstUsableLba() + ".." + ph.lastUsableLba());
    }
    if (bh.backupLba() != ph.currentLba()) {
      problems.add("backup GPT header points at primary LBA " + bh.backupLba() + ", not " + ph.currentLba());
    }
    if (ph.entryCount() != bh.entryCount() || ph.entrySize() != bh.entrySize()) {
      problems.add("backup GPT entry array shape differs from primary");
    } else if (p.entries != null && b.entries != null && !Arrays.equals(p.entries, b.entries)) {
      int n = ph.entryCount();
      for (int i = 0; i < n; i++) {
        int off = i * ph.entrySize();
        if (!Arrays.equals(p.entries, off, off + ph.entrySize(), b.entries, off, off + bh.entrySize())) {
          problems.add("backup GPT entry " + (i + 1) + " differs from the primary entry");
        }
      }
    }
  }

  static byte[] readSector(FileChannel ch, long lba) throws IOException {
    byte[] b = new byte[GptHeader.SECTOR];
    readFully(ch, ByteBuffer.wrap(b), lba * GptHeader.SECTOR);
    return b;
  }

  static void readFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
    long pos = position;
    while (b.hasRemaining()) {
      int n = ch.read(b, pos);
      if (n < 0) {
        throw new EOFException("disk ends at " + pos + " while reading " + b.remaining() + " more bytes");
      }
      pos += n;
    }
  }
}

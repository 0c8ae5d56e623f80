package io.cosbuild.disk.layout;

import io.cosbuild.disk.DiskImageException;
import io.cosbuild.disk.gpt.GptTable;
import io.cosbuild.disk.gpt.GptWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Writes a {@link DiskLayout} as a raw sparse disk file. Only non-zero 4 KiB blocks of the contents and the GPT
 * sectors are written (positional writes), so the file has holes everywhere else: a 20 GiB disk with a 300 MiB
 * root costs about 300 MiB and takes time in proportion to the data. The file is built under a hidden temporary
 * name in the same directory and renamed over {@code output} when complete. Stateless and thread-safe.
 */
public final class DiskImageWriter {
  private static final int CHUNK = 1 << 20;

  private DiskImageWriter() {}

  public static WrittenDisk write(DiskLayout layout, Path output) throws DiskImageException, IOException {
    Path abs = output.toAbsolutePath();
    Path tmp = abs.resolveSibling("." + abs.getFileName() + ".partial");
    Files.deleteIfExists(tmp);
    SparseMap.Builder map = new SparseMap.Builder(layout.diskSizeBytes());
    boolean done = false;
    try (FileChannel disk = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        StandardOpenOption.READ)) {
      GptTable table = layout.gptTable();
      GptWriter.write(table, disk);
      long size = layout.diskSizeBytes();
      map.add(0, Math.min(size, SparseMap.BLOCK * ((GptTable.FIRST_USABLE_LBA * 512 + SparseMap.BLOCK - 1)
          / SparseMap.BLOCK)));
      for (PlannedPartition p : layout.partitions()) {
        copy(p, disk, map);
      }
      long backupStart = (size - (1 + GptTable.ENTRY_SECTORS) * 512L) / SparseMap.BLOCK * SparseMap.BLOCK;
      map.add(backupStart, size - backupStart);
      disk.force(true);
      done = true;
    } finally {
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
    Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return new WrittenDisk(output, layout, map.build());
  }

  private static void copy(PlannedPartition p, FileChannel disk, SparseMap.Builder map)
      throws IOException, DiskImageException {
    PartitionContent c = p.content();
    if (c instanceof PartitionContent.Empty) {
      return;
    }
    if (c instanceof PartitionContent.File f) {
      try (FileChannel src = FileChannel.open(f.path(), StandardOpenOption.READ)) {
        long size = src.size();
        checkFits(p, size);
        // Only the file's data extents: its holes are holes in the disk already.
        long copied = 0; // extents widened to whole 4 KiB blocks, as the sparse map counts them
        for (long[] extent : DataExtents.of(f.path(), size)) {
          long start = Math.max(copied, extent[0] / SparseMap.BLOCK * SparseMap.BLOCK);
          long end = Math.min(size, (extent[0] + extent[1] + SparseMap.BLOCK - 1) / SparseMap.BLOCK * SparseMap.BLOCK);
          if (end > start) {
            copyRange(p, src, start, end - start, start, disk, map);
            copied = end;
          }
        }
      }
    } else if (c instanceof PartitionContent.Channel ch) {
      checkFits(p, ch.length());
      copyRange(p, ch.channel(), ch.offset(), ch.length(), 0, disk, map);
    }
  }

  private static void checkFits(PlannedPartition p, long length) throws DiskImageException {
    if (length > p.sizeBytes()) {
      throw new DiskImageException(p.name() + ": content grew to " + length + " bytes, larger than the partition");
    }
  }

  /** Copies {@code length} bytes from {@code srcOffset} to {@code into} bytes into the partition. */
  private static void copyRange(PlannedPartition p, FileChannel src, long srcOffset, long length, long into,
      FileChannel disk, SparseMap.Builder map) throws IOException, DiskImageException {
    ByteBuffer buf = ByteBuffer.allocate(CHUNK);
    byte[] a = buf.array();
    byte[] zero = new byte[SparseMap.BLOCK];
    long done = 0;
    while (done < length) {
      buf.clear().limit((int) Math.min(CHUNK, length - done));
      while (buf.hasRemaining()) {
        int r = src.read(buf, srcOffset + done + buf.position());
        if (r < 0) {
          throw new DiskImageException(p.name() + ": content ended after " + (into + done + buf.position())
              + " of " + (into + length) + " bytes; was the file changed while writing?");
        }
      }
      int n = buf.position();
      // Write runs of non-zero 4 KiB blocks; all-zero blocks stay holes.
      int runStart = -1;
      for (int off = 0; ; off += SparseMap.BLOCK) {
        int len = Math.max(0, Math.min(SparseMap.BLOCK, n - off));
        boolean data = len > 0 && Arrays.mismatch(a, off, off + len, zero, 0, len) >= 0;
        if (data && runStart < 0) {
          runStart = off;
        } else if (!data && runStart >= 0) {
          int runEnd = Math.min(off, n);
          long at = p.offsetBytes() + into + done + runStart;
          ByteBuffer w = ByteBuffer.wrap(a, runStart, runEnd - runStart);
          long pos = at;
          while (w.hasRemaining()) {
            pos += disk.write(w, pos);
          }
          map.add(at, runEnd - runStart);
          runStart = -1;
        }
        if (len == 0) {
          break;
        }
      }
      done += n;
    }
  }
}

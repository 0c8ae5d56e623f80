package io.cosbuild.disk.gpt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Writes a {@link GptTable} to a disk channel: protective MBR (LBA 0), primary header (LBA 1), primary entry
 * array (LBA 2-33), backup entry array (the 32 sectors before the last) and backup header (last LBA).
 * Writes only those sectors, at their positions, so the rest of a sparse file stays a hole.
 * Stateless and thread-safe; the caller owns and closes the channel.
 */
public final class GptWriter {
  private GptWriter() {}

  public static void write(GptTable table, FileChannel disk) throws IOException {
    long sector = GptHeader.SECTOR;
    byte[] entries = table.entryArray();
    writeFully(disk, ProtectiveMbr.forDisk(table.diskSectors()).toBytes(), 0);
    GptHeader primary = table.primaryHeader();
    writeFully(disk, primary.toBytes(), primary.currentLba() * sector);
    writeFully(disk, entries, primary.entriesLba() * sector);
    GptHeader backup = table.backupHeader();
    writeFully(disk, entries, backup.entriesLba() * sector);
    writeFully(disk, backup.toBytes(), backup.currentLba() * sector);
  }

  static void writeFully(FileChannel ch, byte[] data, long position) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(data);
    long pos = position;
    while (b.hasRemaining()) {
      pos += ch.write(b, pos);
    }
  }
}

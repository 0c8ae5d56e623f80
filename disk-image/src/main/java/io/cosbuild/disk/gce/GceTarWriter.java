package io.cosbuild.disk.gce;

import io.cosbuild.disk.DiskImageException;
import io.cosbuild.disk.layout.SparseMap;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPOutputStream;

/**
 * Writes {@code disk.tar.gz} for Compute Engine image import: one GNU old-format sparse member {@code disk.raw}
 * (what {@code tar --format=oldgnu -S} writes), gzip-compressed. The tar stream is byte-identical to GNU tar's
 * with {@code --numeric-owner --owner=0 --group=0 --mode=0644 --mtime=@MTIME} for the same data extents, and
 * blocked in 10240-byte records. The gzip header has no name and mtime 0. Only data extents are read, so time is
 * proportional to the data. Output goes to a hidden temporary name and is renamed. Stateless and thread-safe;
 * the caller closes {@code raw}.
 */
public final class GceTarWriter {
  private static final int RECORD = 10240;

  private GceTarWriter() {}

  /** Writes the uncompressed tar stream to {@code out} (not closed). */
  public static void writeTar(FileChannel raw, SparseMap map, String memberName, long mtime, OutputStream out)
      throws IOException, DiskImageException {
    if (map.size() != raw.size()) {
      throw new DiskImageException("sparse map is for " + map.size() + " bytes but the raw image has " + raw.size());
    }
    byte[] header = new OldGnuSparseHeader(memberName, mtime, map).toBytes();
    out.write(header);
    long written = header.length;
    ByteBuffer buf = ByteBuffer.allocate(1 << 20);
    for (SparseMap.Extent e : map.extents()) {
      long pos = e.offset();
      while (pos < e.end()) {
        buf.clear().limit((int) Math.min(buf.capacity(), e.end() - pos));
        while (buf.hasRemaining()) {
          int r = raw.read(buf, pos + buf.position());
          if (r < 0) {
            throw new EOFException("raw image ended at " + (pos + buf.position()));
          }
        }
        out.write(buf.array(), 0, buf.position());
        pos += buf.position();
        written += buf.position();
      }
    }
    long end = written + (512 - written % 512) % 512 + 1024;
    end += (RECORD - end % RECORD) % RECORD;
    out.write(new byte[(int) (end - written)]);
  }

  /** Writes {@code output} (normally {@code disk.tar.gz}) holding the raw image as member {@code disk.raw}. */
  public static void write(FileChannel raw, SparseMap map, long mtime, Path output)
      throws IOException, DiskImageException {
    Path abs = output.toAbsolutePath();
    Path tmp = abs.resolveSibling("." + abs.getFileName() + ".partial");
    Files.deleteIfExists(tmp);
    boolean ok = false;
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      OutputStream file = Channels.newOutputStream(ch);
      GZIPOutputStream gz = new GZIPOutputStream(new BufferedOutputStream(file, 1 << 16), 1 << 16);
      writeTar(raw, map, "disk.raw", mtime, gz);
      gz.finish();
      gz.flush();
      ch.force(true);
      ok = true;
    } finally {
      if (!ok) {
        Files.deleteIfExists(tmp);
      }
    }
    Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}

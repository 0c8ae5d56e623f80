package io.cosbuild.disk.qcow2;

import io.cosbuild.disk.DiskImageException;
import io.cosbuild.disk.layout.SparseMap;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Converts a raw image into qcow2 version 3 with 64 KiB clusters, storing only the clusters that hold data.
 *
 * <p>File layout, in order: header cluster, L1 table, refcount table, refcount blocks (16-bit refcounts), L2
 * tables (one per 512 MiB of guest space that has data), data clusters in guest order. Every cluster's refcount
 * is 1 and every L1/L2 entry carries the COPIED flag. The layout is computed from the {@link SparseMap} first, so
 * the output is written in one pass; reading time is proportional to the data, not the disk size. Output goes
 * to a hidden temporary name and is renamed into place. Stateless and thread-safe; the caller closes {@code raw}.
 */
public final class Qcow2Writer {
  private static final int CLUSTER = 1 << Qcow2Header.CLUSTER_BITS;
  private static final int L2_ENTRIES = CLUSTER / 8;
  private static final int REFCOUNTS_PER_BLOCK = CLUSTER / 2;
  private static final long COPIED = 1L << 63;

  private Qcow2Writer() {}

  public static void write(FileChannel raw, SparseMap map, Path output) throws IOException, DiskImageException {
    long size = map.size();
    if (size != raw.size()) {
      throw new DiskImageException("sparse map is for " + size + " bytes but the raw image has " + raw.size());
    }
    long[] dataClusters = dataClusters(map);
    long guestClusters = (size + CLUSTER - 1) / CLUSTER;
    long l1EntriesLong = (guestClusters + L2_ENTRIES - 1) / L2_ENTRIES;
    if (l1EntriesLong > (32 << 20) / 8) {
      throw new DiskImageException("disk of " + size + " bytes is too large for a qcow2 L1 table");
    }
    int l1Entries = (int) l1EntriesLong;
    long l1Clusters = ceilDiv(l1Entries * 8L, CLUSTER);
    long l2Count = Arrays.stream(dataClusters).map(c -> c / L2_ENTRIES).distinct().count();
    long fixed = 1 + l1Clusters + l2Count + dataClusters.length;
    long rbClusters = 0;
    long rtClusters = 0;
    while (true) {
      long total = fixed + rbClusters + rtClusters;
      long rb = ceilDiv(total, REFCOUNTS_PER_BLOCK);
      long rt = ceilDiv(rb * 8, CLUSTER);
      if (rb == rbClusters && rt == rtClusters) {
        break;
      }
      rbClusters = rb;
      rtClusters = rt;
    }
    long totalClusters = fixed + rbClusters + rtClusters;
    long l1At = 1;
    long rtAt = l1At + l1Clusters;
    long rbAt = rtAt + rtClusters;
    long l2At = rbAt + rbClusters;
    long dataAt = l2At + l2Count;

    Path abs = output.toAbsolutePath();
    Path tmp = abs.resolveSibling("." + abs.getFileName() + ".partial");
    Files.deleteIfExists(tmp);
    boolean ok = false;
    try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      write(out, 0, ByteBuffer.wrap(new Qcow2Header(size, l1Entries, l1At * CLUSTER, rtAt * CLUSTER,
          (int) rtClusters).toBytes()));
      // L1 and L2 tables.
      ByteBuffer l1 = ByteBuffer.allocate((int) (l1Clusters * CLUSTER));
      ByteBuffer l2 = ByteBuffer.allocate(CLUSTER);
      long l2Next = l2At;
      int i = 0;
      while (i < dataClusters.length) {
        long table = dataClusters[i] / L2_ENTRIES;
        l2.clear();
        Arrays.fill(l2.array(), (byte) 0);
        while (i < dataClusters.length && dataClusters[i] / L2_ENTRIES == table) {
          int slot = (int) (dataClusters[i] % L2_ENTRIES);
          l2.putLong(slot * 8, ((dataAt + i) * CLUSTER) | COPIED);
          i++;
        }
        l1.putLong((int) table * 8, (l2Next * CLUSTER) | COPIED);
        write(out, l2Next * CLUSTER, l2);
        l2Next++;
      }
      write(out, l1At * CLUSTER, l1.clear());
      // Refcount table and blocks: every cluster in use has refcount 1.
      ByteBuffer rt = ByteBuffer.allocate((int) (rtClusters * CLUSTER));
      ByteBuffer rb = ByteBuffer.allocate(CLUSTER);
      for (long b = 0; b < rbClusters; b++) {
        rt.putLong((int) b * 8, (rbAt + b) * CLUSTER);
        Arrays.fill(rb.array(), (byte) 0);
        long first = b * REFCOUNTS_PER_BLOCK;
        long n = Math.min(REFCOUNTS_PER_BLOCK, totalClusters - first);
        for (int k = 0; k < n; k++) {
          rb.putShort(k * 2, (short) 1);
        }
        write(out, (rbAt + b) * CLUSTER, rb.clear());
      }
      write(out, rtAt * CLUSTER, rt.clear());
      // Data clusters, in guest order.
      ByteBuffer buf = ByteBuffer.allocate(CLUSTER);
      for (int k = 0; k < dataClusters.length; k++) {
        long guest = dataClusters[k] * CLUSTER;
        int len = (int) Math.min(CLUSTER, size - guest);
        buf.clear();
        Arrays.fill(buf.array(), (byte) 0);
        buf.limit(len);
        long pos = guest;
        while (buf.hasRemaining()) {
          int r = raw.read(buf, pos);
          if (r < 0) {
            throw new EOFException("raw image ended at " + pos);
          }
          pos += r;
        }
        buf.clear();
        write(out, (dataAt + k) * CLUSTER, buf);
      }
      out.force(true);
      ok = true;
    } finally {
      if (!ok) {
        Files.deleteIfExists(tmp);
      }
    }
    Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Guest cluster indexes touched by any data extent, ascending. */
  static long[] dataClusters(SparseMap map) {
    long[] out = new long[16];
    int n = 0;
    long last = -1;
    for (SparseMap.Extent e : map.extents()) {
      for (long c = Math.max(e.offset() / CLUSTER, last + 1); c <= (e.end() - 1) / CLUSTER; c++) {
        if (n == out.length) {
          out = Arrays.copyOf(out, n * 2);
        }
        out[n++] = c;
        last = c;
      }
    }
    return Arrays.copyOf(out, n);
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  private static void write(FileChannel ch, long position, ByteBuffer b) throws IOException {
    long pos = position;
    while (b.hasRemaining()) {
      pos += ch.write(b, pos);
    }
  }
}

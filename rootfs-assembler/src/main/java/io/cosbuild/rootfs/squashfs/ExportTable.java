package io.cosbuild.rootfs.squashfs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The export (inode lookup) table: for inode number n, the reference of its inode at entry n-1,
 * as u64. It lets NFS export the filesystem and find a directory's parent. Not thread-safe.
 */
final class ExportTable {

  private final long[] refs;

  ExportTable(int inodeCount) {
    this.refs = new long[inodeCount];
  }

  void set(long inodeNumber, long reference) {
    refs[(int) (inodeNumber - 1)] = reference;
  }

  IndexedTable.Encoded encode(long position, Compressor compressor) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(8 * refs.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long r : refs) {
      b.putLong(r);
    }
    return IndexedTable.encode(b.array(), 8, position, compressor);
  }
}

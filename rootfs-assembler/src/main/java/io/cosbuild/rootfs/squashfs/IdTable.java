package io.cosbuild.rootfs.squashfs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Collection;
import java.util.TreeSet;

/**
 * The uid/gid table: every owner id once, as u32, in ascending order (so the table does not depend
 * on the order files were added); inodes refer to ids by their u16 index. Immutable.
 */
final class IdTable {

  private final int[] ids;

  IdTable(Collection<Integer> ids) throws SquashfsException {
    int[] sorted = new TreeSet<>(ids).stream().mapToInt(Integer::intValue).toArray();
    if (sorted.length > 65535) {
      throw new SquashfsException("squashfs holds at most 65535 distinct uids and gids, the tree has "
          + sorted.length + ": map owners to fewer ids");
    }
    this.ids = sorted.length == 0 ? new int[] {0} : sorted;
  }

  int indexOf(int id) {
    int i = Arrays.binarySearch(ids, id);
    if (i < 0) {
      throw new IllegalArgumentException("id " + id + " was not collected");
    }
    return i;
  }

  int size() {
    return ids.length;
  }

  IndexedTable.Encoded encode(long position, Compressor compressor) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(4 * ids.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int id : ids) {
      b.putInt(id);
    }
    return IndexedTable.encode(b.array(), 4, position, compressor);
  }
}

package io.cosbuild.rootfs.squashfs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** The fragment table: entries in fragment index order. Not thread-safe. */
final class FragmentTable {

  private final List<FragmentEntry> entries = new ArrayList<>();

  void set(int index, FragmentEntry e) {
    while (entries.size() <= index) {
      entries.add(null);
    }
    entries.set(index, e);
  }

  int size() {
    return entries.size();
  }

  IndexedTable.Encoded encode(long position, Compressor compressor) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(FragmentEntry.SIZE * entries.size()).order(ByteOrder.LITTLE_ENDIAN);
    for (FragmentEntry e : entries) {
      e.writeTo(b);
    }
    return IndexedTable.encode(b.array(), FragmentEntry.SIZE, position, compressor);
  }
}

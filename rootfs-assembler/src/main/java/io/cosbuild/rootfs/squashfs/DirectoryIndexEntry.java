package io.cosbuild.rootfs.squashfs;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One entry of an extended directory's index: where a directory header starts, so the kernel can
 * skip to the right metadata block of a large directory. Immutable.
 *
 * <pre>
 * off size field
 *   0  4   byte offset of the header from the start of the directory's listing
 *   4  4   start of the header's metadata block, relative to the directory table
 *   8  4   name length - 1
 *  12  n   first name under that header
 * </pre>
 */
public record DirectoryIndexEntry(long index, long startBlock, byte[] name) {

  public DirectoryIndexEntry {
    Inode.requireU32(index, "directory index offset");
    Inode.requireU32(startBlock, "directory index block");
    if (name.length < 1 || name.length > 256) {
      throw new IllegalArgumentException("directory index name length out of range: " + name.length);
    }
    name = name.clone();
  }

  public int size() {
    return 12 + name.length;
  }

  void writeTo(ByteBuffer b) {
    b.putInt((int) index).putInt((int) startBlock).putInt(name.length - 1).put(name);
  }

  @Override
  public String toString() {
    return "DirectoryIndexEntry[" + index + ", " + startBlock + ", " + new String(name, StandardCharsets.UTF_8) + "]";
  }
}

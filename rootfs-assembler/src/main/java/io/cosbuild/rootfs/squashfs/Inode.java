package io.cosbuild.rootfs.squashfs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** An inode as stored in the inode table. Implementations are immutable records. */
public sealed interface Inode permits DirectoryInode, ExtendedDirectoryInode, RegularInode,
    ExtendedRegularInode, SymlinkInode, DeviceInode, IpcInode {

  InodeHeader header();

  /** The inode's bytes, header included, little-endian. */
  byte[] toBytes();

  static ByteBuffer buffer(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  static void requireU32(long v, String what) {
    if (v < 0 || v > 0xffffffffL) {
      throw new IllegalArgumentException(what + " does not fit in 32 bits: " + v);
    }
  }
}

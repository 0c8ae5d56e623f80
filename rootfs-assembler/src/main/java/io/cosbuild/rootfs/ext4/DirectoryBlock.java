package io.cosbuild.rootfs.ext4;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A linear directory block: packed {@code ext4_dir_entry_2} records ending in the 12-byte
 * checksum tail of metadata_csum. Used alone for small directories and as the leaf blocks of an
 * htree. Little endian. Stateless and thread-safe.
 *
 * <pre>
 * entry: 0x0 u32 inode, 0x4 u16 rec_len, 0x6 u8 name_len, 0x7 u8 file_type, 0x8 name (padded to 4)
 * tail at 4084: u32 0, u16 rec_len 12, u8 0, u8 0xDE, u32 crc32c(uuid, ino, generation, bytes 0..4083)
 * </pre>
 * The last entry's rec_len reaches the tail; an empty block is one entry with inode 0.
 */
final class DirectoryBlock {

  static final int TAIL = 12;
  static final int CAPACITY = Ext4Layout.BLOCK_SIZE - TAIL;

  private DirectoryBlock() {}

  /** One name in a directory; {@code fileType} is the ext4 dirent type (1 file .. 7 symlink). */
  record Entry(byte[] name, long inode, int fileType) {
    Entry {
      if (name.length < 1 || name.length > 255) {
        throw new IllegalArgumentException("directory entry name must be 1..255 bytes, got " + name.length);
      }
      if (fileType < 1 || fileType > 7) {
        throw new IllegalArgumentException("bad dirent file type " + fileType);
      }
    }

    int recLen() {
      return DirectoryBlock.recLen(name.length);
    }
  }

  static int recLen(int nameLen) {
    return 8 + ((nameLen + 3) & ~3);
  }

  /** Splits entries in order into blocks, each filled as far as it goes. */
  static List<List<Entry>> pack(List<Entry> entries) {
    List<List<Entry>> blocks = new ArrayList<>();
    List<Entry> cur = new ArrayList<>();
    int used = 0;
    for (Entry e : entries) {
      if (used + e.recLen() > CAPACITY) {
        blocks.add(cur);
        cur = new ArrayList<>();
        used = 0;
      }
      cur.add(e);
      used += e.recLen();
    }
    if (!cur.isEmpty() || blocks.isEmpty()) {
      blocks.add(cur);
    }
    return blocks;
  }

  /** The bytes of one block holding {@code entries} (which must fit) of directory {@code dirIno}. */
  static byte[] toBytes(List<Entry> entries, Ext4Checksum csum, long dirIno) {
    byte[] block = new byte[Ext4Layout.BLOCK_SIZE];
    ByteBuffer b = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
    int off = 0;
    if (entries.isEmpty()) {
      b.putShort(4, (short) CAPACITY);
    }
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      int len = i == entries.size() - 1 ? CAPACITY - off : e.recLen();
      if (len < e.recLen()) {
        throw new IllegalArgumentException("directory entries overflow one block");
      }
      b.putInt(off, (int) e.inode());
      b.putShort(off + 4, (short) len);
      b.put(off + 6, (byte) e.name().length);
      b.put(off + 7, (byte) e.fileType());
      b.put(off + 8, e.name());
      off += len;
    }
    b.putShort(CAPACITY + 4, (short) TAIL);
    b.put(CAPACITY + 7, (byte) 0xDE);
    CRC32C c = csum.inodeSeeded(dirIno, 0);
    c.update(block, 0, CAPACITY);
    b.putInt(CAPACITY + 8, Ext4Checksum.raw(c));
    return block;
  }
}

package io.cosbuild.rootfs.ext4;

import io.cosbuild.rootfs.tree.Xattr;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Extended attributes, either in the inode's spare 96 bytes or in one external 4 KiB block. Little
 * endian. Stateless and thread-safe.
 *
 * <pre>
 * in-inode: 0x00 u32 magic 0xEA020000, entries from 0x04; value offsets count from 0x04
 * block:    0x00 u32 h_magic 0xEA020000, 0x04 u32 h_refcount 1, 0x08 u32 h_blocks 1,
 *           0x0C u32 h_hash, 0x10 u32 h_checksum, entries from 0x20; offsets count from 0x00
 *           h_checksum = crc32c(uuid, le64 block number, the block with h_checksum 0)
 * entry:    0x0 u8 e_name_len, 0x1 u8 e_name_index, 0x2 u16 e_value_offs, 0x4 u32 e_value_inum 0,
 *           0x8 u32 e_value_size, 0xC u32 e_hash, 0x10 name (without its prefix), padded to 4;
 *           the list ends with four zero bytes; values are padded to 4 and packed from the end
 * </pre>
 * Name prefixes become indexes: user. 1, trusted. 4, security. 6, system. 7; POSIX ACLs 2 (access) and
 * 3 (default), with an empty name and the value in ext4's own form ({@link PosixAcl}).
 */
final class XattrBlock {

  static final int MAGIC = 0xEA020000;
  private static final int HEADER = 32;

  private XattrBlock() {}

  private record Encoded(int index, byte[] suffix, byte[] value) {
    int entryLen() {
      return (suffix.length + 16 + 3) & ~3;
    }

    int valueLen() {
      return (value.length + 3) & ~3;
    }
  }

  private static List<Encoded> encode(List<Xattr> xattrs, String where) throws Ext4Exception {
    Optional<String> problem = Xattr.linuxProblem(xattrs);
    if (problem.isPresent()) {
      throw new Ext4Exception(where + ": " + problem.get());
    }
    List<Encoded> out = new ArrayList<>();
    for (Xattr x : xattrs) {
      String n = x.name();
      int index;
      String suffix;
      byte[] value = x.value();
      if (n.equals("system.posix_acl_access") || n.equals("system.posix_acl_default")) {
        index = n.endsWith("access") ? 2 : 3;
        suffix = "";
        value = PosixAcl.toExt4(value, where + " " + n);
      } else if (n.startsWith("user.")) {
        index = 1;
        suffix = n.substring(5);
      } else if (n.startsWith("trusted.")) {
        index = 4;
        suffix = n.substring(8);
      } else if (n.startsWith("security.")) {
        index = 6;
        suffix = n.substring(9);
      } else if (n.startsWith("system.")) {
        index = 7;
        suffix = n.substring(7);
      } else {
        throw new Ext4Exception(where + ": xattr " + n + " has a namespace ext4 cannot store");
      }
      // Under XATTR_NAME_MAX with its prefix, so the suffix fits e_name_len.
      out.add(new Encoded(index, suffix.getBytes(StandardCharsets.UTF_8), value));
    }
    out.sort(Comparator.comparingInt(Encoded::index).thenComparingInt(e -> e.suffix().length)
        .thenComparing(Encoded::suffix, Arrays::compare));
    return out;
  }

  /** The in-inode area for these attributes, or null if they do not fit in {@code space} bytes. */
  static byte[] inInode(List<Xattr> xattrs, int space, String where) throws Ext4Exception {
    if (xattrs.isEmpty()) {
      return new byte[0];
    }
    List<Encoded> es = encode(xattrs, where);
    int need = 4 + 4;
    for (Encoded e : es) {
      need += e.entryLen() + e.valueLen();
    }
    if (need > space) {
      return null;
    }
    byte[] area = new byte[space];
    ByteBuffer b = ByteBuffer.wrap(area).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0, MAGIC);
    layout(b, es, 4, 4, space);
    return area;
  }

  /** Whether these attributes fit one external block. */
  static boolean fitsBlock(List<Xattr> xattrs, String where) throws Ext4Exception {
    int need = HEADER + 4;
    for (Encoded e : encode(xattrs, where)) {
      need += e.entryLen() + e.valueLen();
    }
    return need <= Ext4Layout.BLOCK_SIZE;
  }

  /** An external xattr block stored at {@code blockNr}. */
  static byte[] block(List<Xattr> xattrs, Ext4Checksum csum, long blockNr, String where) throws Ext4Exception {
    if (!fitsBlock(xattrs, where)) {
      throw new Ext4Exception(where + ": extended attributes exceed one 4 KiB block");
    }
    List<Encoded> es = encode(xattrs, where);
    byte[] block = new byte[Ext4Layout.BLOCK_SIZE];
    ByteBuffer b = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0, MAGIC);
    b.putInt(4, 1);
    b.putInt(8, 1);
    int[] hashes = layout(b, es, HEADER, 0, block.length);
    int h = 0;
    for (int eh : hashes) {
      if (eh == 0) {
        h = 0;
        break;
      }
      h = (h << 16) ^ (h >>> 16) ^ eh;
    }
    b.putInt(0x0C, h);
    CRC32C c = csum.seeded();
    Ext4Checksum.updateLe64(c, blockNr);
    c.update(block, 0, block.length);
    b.putInt(0x10, Ext4Checksum.raw(c));
    return block;
  }

  /** Writes entries from {@code first} and values down from {@code end}; returns the entry hashes. */
  private static int[] layout(ByteBuffer b, List<Encoded> es, int first, int base, int end) {
    int off = first;
    int valueEnd = end;
    int[] hashes = new int[es.size()];
    for (int i = 0; i < es.size(); i++) {
      Encoded e = es.get(i);
      int valueOffs = 0;
      if (e.value().length > 0) {
        valueEnd -= e.valueLen();
        b.put(valueEnd, e.value());
        valueOffs = valueEnd - base;
      }
      b.put(off, (byte) e.suffix().length);
      b.put(off + 1, (byte) e.index());
      b.putShort(off + 2, (short) valueOffs);
      b.putInt(off + 8, e.value().length);
      hashes[i] = hash(e);
      b.putInt(off + 12, hashes[i]);
      b.put(off + 16, e.suffix());
      off += e.entryLen();
    }
    return hashes;
  }

  private static int hash(Encoded e) {
    int h = 0;
    for (byte c : e.suffix()) {
      h = (h << 5) ^ (h >>> 27) ^ c;
    }
    byte[] v = Arrays.copyOf(e.value(), e.valueLen());
    ByteBuffer vb = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < v.length; i += 4) {
      h = (h << 16) ^ (h >>> 16) ^ vb.getInt(i);
    }
    return h;
  }
}

package io.cosbuild.rootfs.squashfs;

import io.cosbuild.rootfs.tree.Abbreviated;
import io.cosbuild.rootfs.tree.Xattr;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Extended attributes. Each distinct set is stored once as key/value pairs in metadata blocks:
 *
 * <pre>
 * key:   u16 type (0 user., 1 trusted., 2 security.), u16 name length, name without the prefix
 * value: u32 value length, value bytes
 * </pre>
 *
 * and gets an xattr id; the id table holds 16-byte entries (u64 reference of the set's first
 * key, u32 pair count, u32 set size in bytes), and the superblock points at a header (u64 start
 * of the key/value blocks, u32 id count, u32 unused) followed by the id table's block offsets.
 * Not thread-safe.
 */
final class XattrTable {

  static final long NONE = 0xffffffffL;
  private static final String[] PREFIXES = {"user.", "trusted.", "security."};

  private final MetadataWriter pairs;
  private final Map<List<Xattr>, Integer> ids = new HashMap<>();
  private final List<long[]> entries = new ArrayList<>();

  XattrTable(Compressor compressor) {
    this.pairs = new MetadataWriter(compressor);
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  /**
   * Refuses, naming the path, attributes Linux could not hold and namespaces squashfs has no type for;
   * the writer checks every node with this before it writes anything.
   */
  static void check(List<Xattr> xattrs, String path) throws SquashfsException {
    Optional<String> problem = Xattr.linuxProblem(xattrs);
    if (problem.isPresent()) {
      throw new SquashfsException(path + ": " + problem.get());
    }
    for (Xattr x : xattrs) {
      if (x.name().startsWith("system.posix_acl_")) {
        // mksquashfs drops them with a warning; the files would then be open to less, or more, than meant.
        throw new SquashfsException(path + ": has a POSIX ACL (" + x.name() + "), which squashfs cannot store;"
            + " clear it in the source (setfacl -b) or build ext4, which keeps ACLs");
      } else if (type(x.name()) < 0) {
        throw new SquashfsException(path + ": xattr " + Abbreviated.of(x.name())
            + " cannot be stored in squashfs (only user., trusted. and security.); remove it from the tree");
      }
    }
  }

  private static int type(String name) {
    for (int t = 0; t < PREFIXES.length; t++) {
      if (name.startsWith(PREFIXES[t])) {
        return t;
      }
    }
    return -1;
  }

  /**
   * The xattr id for a set that passed {@link #check}, storing it the first time; {@link #NONE} for an
   * empty set.
   */
  long idFor(List<Xattr> xattrs, String path) throws IOException, SquashfsException {
    if (xattrs.isEmpty()) {
      return NONE;
    }
    Integer known = ids.get(xattrs);
    if (known != null) {
      return known;
    }
    long ref = pairs.reference();
    long size = 0;
    for (Xattr x : xattrs) {
      int type = type(x.name());
      if (type < 0) {
        throw new IllegalStateException(path + ": xattr " + x.name() + " was not checked");
      }
      String name = x.name().substring(PREFIXES[type].length());
      byte[] n = name.getBytes(StandardCharsets.UTF_8);
      byte[] v = x.value();
      ByteBuffer b = ByteBuffer.allocate(8 + n.length + v.length).order(ByteOrder.LITTLE_ENDIAN);
      b.putShort((short) type).putShort((short) n.length).put(n).putInt(v.length).put(v);
      pairs.write(b.array());
      size += b.capacity();
    }
    int id = entries.size();
    entries.add(new long[] {ref, xattrs.size(), size});
    ids.put(xattrs, id);
    return id;
  }

  /** The key/value blocks, the id blocks, and the header with the lookup; all placed from {@code position}. */
  byte[] encode(long position, Compressor compressor) throws IOException {
    byte[] kv = pairs.finish();
    ByteBuffer b = ByteBuffer.allocate(16 * entries.size()).order(ByteOrder.LITTLE_ENDIAN);
    for (long[] e : entries) {
      b.putLong(e[0]).putInt((int) e[1]).putInt((int) e[2]);
    }
    IndexedTable.Encoded idTable = IndexedTable.encode(b.array(), 16, position + kv.length, compressor);
    ByteBuffer out = ByteBuffer.allocate(kv.length + idTable.blocks().length + 16 + idTable.lookup().length)
        .order(ByteOrder.LITTLE_ENDIAN);
    out.put(kv).put(idTable.blocks()).putLong(position).putInt(entries.size()).putInt(0).put(idTable.lookup());
    return out.array();
  }

  /** Offset within {@link #encode}'s output where the header (the superblock's pointer) is. */
  static long headerOffset(byte[] encoded, int idCount) {
    return encoded.length - 16 - 8L * ((16L * idCount + MetadataWriter.BLOCK_SIZE - 1) / MetadataWriter.BLOCK_SIZE);
  }

  int count() {
    return entries.size();
  }
}

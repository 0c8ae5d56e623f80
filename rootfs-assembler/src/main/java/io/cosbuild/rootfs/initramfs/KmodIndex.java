package io.cosbuild.rootfs.initramfs;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * kmod's binary index ({@code modules.dep.bin}, {@code modules.alias.bin}, {@code modules.builtin.bin}):
 * a prefix trie over ASCII keys, each key with its values ordered by priority, written big-endian as
 * libkmod reads it (kmod's modprobe has no fallback to the text files for module lookups). Layout: a
 * header (magic {@code 0xB007F457}, version 2.1, offset of the root node), then every node after its
 * children. A node's offset carries flags for what follows it: a NUL-terminated prefix, a child table
 * (first and last byte, then one offset per byte in between, 0 where none), and values (a count, then
 * per value its priority and NUL-terminated text). Not thread-safe.
 */
public final class KmodIndex {

  private static final int MAGIC = 0xB007F457;
  private static final int VERSION = 0x00020001;
  private static final int HAS_PREFIX = 0x80000000;
  private static final int HAS_VALUES = 0x40000000;
  private static final int HAS_CHILDREN = 0x20000000;
  private static final int OFFSET_MASK = 0x0FFFFFFF;

  private record Value(String text, int priority) {}

  /** A node: the key bytes it consumes beyond the edge into it, its children by next byte, its values. */
  private static final class Node {
    String prefix;
    final TreeMap<Character, Node> children = new TreeMap<>();
    final List<Value> values = new ArrayList<>();

    Node(String prefix) {
      this.prefix = prefix;
    }
  }

  private final Node root = new Node("");

  /**
   * Adds {@code value} under {@code key}. Values of one key are kept by ascending priority, a new one
   * before those of equal priority; the same value twice under a key is kept once.
   *
   * @throws IllegalArgumentException if the key is empty or not printable ASCII, or the value holds a NUL
   */
  public void add(String key, String value, int priority) {
    if (key.isEmpty() || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException("kmod index key must be printable ASCII: '" + key + "'");
    }
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("kmod index value holds a NUL: " + value);
    }
    Node node = root;
    int i = 0;
    while (true) {
      int j = 0;
      while (j < node.prefix.length() && i + j < key.length() && node.prefix.charAt(j) == key.charAt(i + j)) {
        j++;
      }
      if (j < node.prefix.length()) {
        // The key leaves this node's prefix at j: split, the old content moving below prefix[j].
        Node tail = new Node(node.prefix.substring(j + 1));
        tail.children.putAll(node.children);
        tail.values.addAll(node.values);
        char edge = node.prefix.charAt(j);
        node.prefix = node.prefix.substring(0, j);
        node.children.clear();
        node.values.clear();
        node.children.put(edge, tail);
      }
      i += j;
      if (i == key.length()) {
        addValue(node.values, new Value(value, priority));
        return;
      }
      char c = key.charAt(i);
      Node child = node.children.get(c);
      if (child == null) {
        child = new Node(key.substring(i + 1));
        node.children.put(c, child);
        child.values.add(new Value(value, priority));
        return;
      }
      node = child;
      i++;
    }
  }

  private static void addValue(List<Value> values, Value v) {
    int at = 0;
    for (Value w : values) {
      if (w.text().equals(v.text())) {
        return;
      }
    }
    while (at < values.size() && Integer.compareUnsigned(values.get(at).priority(), v.priority()) < 0) {
      at++;
    }
    values.add(at, v);
  }

  /** The index file's bytes. */
  public byte[] toBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeInt(out, MAGIC);
    writeInt(out, VERSION);
    writeInt(out, 0); // the root's offset, known once it is written
    int rootOffset = write(root, out);
    byte[] b = out.toByteArray();
    b[8] = (byte) (rootOffset >>> 24);
    b[9] = (byte) (rootOffset >>> 16);
    b[10] = (byte) (rootOffset >>> 8);
    b[11] = (byte) rootOffset;
    return b;
  }

  /** Writes the node's children, then the node; returns its offset with the flags of what it holds. */
  private static int write(Node node, ByteArrayOutputStream out) {
    int[] childOffsets = new int[0];
    char first = 0;
    if (!node.children.isEmpty()) {
      first = node.children.firstKey();
      childOffsets = new int[node.children.lastKey() - first + 1];
      for (var e : node.children.entrySet()) {
        childOffsets[e.getKey() - first] = write(e.getValue(), out);
      }
    }
    int offset = out.size();
    if (offset > OFFSET_MASK) {
      throw new IllegalStateException("kmod index larger than its 28-bit offsets reach");
    }
    if (!node.prefix.isEmpty()) {
      out.writeBytes(node.prefix.getBytes(StandardCharsets.US_ASCII));
      out.write(0);
      offset |= HAS_PREFIX;
    }
    if (childOffsets.length > 0) {
      out.write(first);
      out.write(node.children.lastKey());
      for (int o : childOffsets) {
        writeInt(out, o);
      }
      offset |= HAS_CHILDREN;
    }
    if (!node.values.isEmpty()) {
      writeInt(out, node.values.size());
      for (Value v : node.values) {
        writeInt(out, v.priority());
        out.writeBytes(v.text().getBytes(StandardCharsets.UTF_8));
        out.write(0);
      }
      offset |= HAS_VALUES;
    }
    return offset;
  }

  private static void writeInt(ByteArrayOutputStream out, int v) {
    out.write(v >>> 24);
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
  }
}

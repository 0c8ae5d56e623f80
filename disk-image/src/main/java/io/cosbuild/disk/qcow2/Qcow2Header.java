package io.cosbuild.disk.qcow2;

import java.nio.ByteBuffer;

/**
 * The qcow2 version 3 header, followed by the end-of-extensions marker. Immutable and thread-safe.
 *
 * <table>
 * <caption>Byte layout (big-endian)</caption>
 * <tr><th>offset</th><th>size</th><th>field</th><th>value written</th></tr>
 * <tr><td>0</td><td>4</td><td>magic</td><td>"QFI" 0xFB</td></tr>
 * <tr><td>4</td><td>4</td><td>version</td><td>3</td></tr>
 * <tr><td>8</td><td>8</td><td>backing file offset</td><td>0</td></tr>
 * <tr><td>16</td><td>4</td><td>backing file name size</td><td>0</td></tr>
 * <tr><td>20</td><td>4</td><td>cluster bits</td><td>16 (64 KiB clusters)</td></tr>
 * <tr><td>24</td><td>8</td><td>virtual size in bytes</td><td></td></tr>
 * <tr><td>32</td><td>4</td><td>encryption method</td><td>0</td></tr>
 * <tr><td>36</td><td>4</td><td>L1 table entries</td><td></td></tr>
 * <tr><td>40</td><td>8</td><td>L1 table offset</td><td></td></tr>
 * <tr><td>48</td><td>8</td><td>refcount table offset</td><td></td></tr>
 * <tr><td>56</td><td>4</td><td>refcount table clusters</td><td></td></tr>
 * <tr><td>60</td><td>4</td><td>snapshot count</td><td>0</td></tr>
 * <tr><td>64</td><td>8</td><td>snapshot table offset</td><td>0</td></tr>
 * <tr><td>72</td><td>8</td><td>incompatible features</td><td>0</td></tr>
 * <tr><td>80</td><td>8</td><td>compatible features</td><td>0</td></tr>
 * <tr><td>88</td><td>8</td><td>autoclear features</td><td>0</td></tr>
 * <tr><td>96</td><td>4</td><td>refcount order</td><td>4 (16-bit refcounts)</td></tr>
 * <tr><td>100</td><td>4</td><td>header length</td><td>104</td></tr>
 * <tr><td>104</td><td>8</td><td>header extension: type 0 (end), length 0</td><td></td></tr>
 * </table>
 *
 * @param virtualSize guest disk size in bytes
 * @param l1Entries entries in the L1 table
 * @param l1Offset file offset of the L1 table
 * @param refcountTableOffset file offset of the refcount table
 * @param refcountTableClusters clusters of the refcount table
 */
public record Qcow2Header(long virtualSize, int l1Entries, long l1Offset, long refcountTableOffset,
    int refcountTableClusters) {
  public static final int MAGIC = 0x514649fb;
  public static final int CLUSTER_BITS = 16;
  public static final int REFCOUNT_ORDER = 4;
  public static final int HEADER_LENGTH = 104;

  public byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH + 8);
    b.putInt(MAGIC).putInt(3).putLong(0).putInt(0).putInt(CLUSTER_BITS).putLong(virtualSize).putInt(0)
        .putInt(l1Entries).putLong(l1Offset).putLong(refcountTableOffset).putInt(refcountTableClusters)
        .putInt(0).putLong(0).putLong(0).putLong(0).putLong(0).putInt(REFCOUNT_ORDER).putInt(HEADER_LENGTH)
        .putInt(0).putInt(0);
    return b.array();
  }

  public static Qcow2Header parse(byte[] b) {
    ByteBuffer bb = ByteBuffer.wrap(b);
    if (bb.getInt(0) != MAGIC || bb.getInt(4) != 3 || bb.getInt(20) != CLUSTER_BITS) {
      throw new IllegalArgumentException("not a qcow2 v3 image with 64 KiB clusters");
    }
    return new Qcow2Header(bb.getLong(24), bb.getInt(36), bb.getLong(40), bb.getLong(48), bb.getInt(56));
  }
}

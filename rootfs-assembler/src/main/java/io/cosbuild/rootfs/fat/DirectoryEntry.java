package io.cosbuild.rootfs.fat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A 32-byte short directory entry. Immutable and thread-safe.
 *
 * <table>
 * <caption>Byte layout (little-endian)</caption>
 * <tr><th>offset</th><th>size</th><th>field</th></tr>
 * <tr><td>0</td><td>11</td><td>name and extension, space-padded (DIR_Name)</td></tr>
 * <tr><td>11</td><td>1</td><td>attributes: 0x08 volume label, 0x10 directory, 0x20 archive</td></tr>
 * <tr><td>12</td><td>1</td><td>reserved, zero</td></tr>
 * <tr><td>13</td><td>1</td><td>creation time, tenths of a second (0..199): zero</td></tr>
 * <tr><td>14</td><td>2</td><td>creation time</td></tr>
 * <tr><td>16</td><td>2</td><td>creation date</td></tr>
 * <tr><td>18</td><td>2</td><td>last access date</td></tr>
 * <tr><td>20</td><td>2</td><td>first cluster, high 16 bits</td></tr>
 * <tr><td>22</td><td>2</td><td>write time</td></tr>
 * <tr><td>24</td><td>2</td><td>write date</td></tr>
 * <tr><td>26</td><td>2</td><td>first cluster, low 16 bits</td></tr>
 * <tr><td>28</td><td>4</td><td>file size; zero for directories and the label</td></tr>
 * </table>
 *
 * @param name the 11 characters of DIR_Name
 * @param attributes DIR_Attr
 * @param firstCluster the first cluster; 0 for an empty file, the label and ".." pointing at the root
 * @param size the file size
 * @param time every date and time of the entry
 */
record DirectoryEntry(String name, int attributes, long firstCluster, long size, FatTimestamp time) {

  static final int SIZE = 32;
  static final int ATTR_VOLUME_ID = 0x08;
  static final int ATTR_DIRECTORY = 0x10;
  static final int ATTR_ARCHIVE = 0x20;

  DirectoryEntry {
    if (name.length() != 11) {
      throw new IllegalArgumentException("a directory entry name has 11 characters: \"" + name + "\"");
    }
    if (size < 0 || size > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("FAT file size out of range: " + size);
    }
  }

  /** The root directory's volume-label entry. */
  static DirectoryEntry volumeLabel(String paddedLabel, FatTimestamp time) {
    return new DirectoryEntry(paddedLabel, ATTR_VOLUME_ID, 0, 0, time);
  }

  static DirectoryEntry directory(String paddedName, long firstCluster, FatTimestamp time) {
    return new DirectoryEntry(paddedName, ATTR_DIRECTORY, firstCluster, 0, time);
  }

  /** A regular file; archive set, as FAT drivers mark files they create. */
  static DirectoryEntry file(ShortName name, long firstCluster, long size, FatTimestamp time) {
    return new DirectoryEntry(name.padded(), ATTR_ARCHIVE, firstCluster, size, time);
  }

  byte[] toBytes() {
    byte[] b = new byte[SIZE];
    ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    le.put(name.getBytes(StandardCharsets.US_ASCII)).put((byte) attributes);
    le.putShort(14, (short) time.time()).putShort(16, (short) time.date()).putShort(18, (short) time.date());
    le.putShort(20, (short) (firstCluster >>> 16)).putShort(22, (short) time.time()).putShort(24, (short) time.date());
    le.putShort(26, (short) firstCluster).putInt(28, (int) size);
    return b;
  }
}

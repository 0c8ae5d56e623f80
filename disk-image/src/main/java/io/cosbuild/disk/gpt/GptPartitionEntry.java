package io.cosbuild.disk.gpt;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * One 128-byte GPT partition entry. Immutable and thread-safe.
 *
 * <table>
 * <caption>Byte layout (little-endian)</caption>
 * <tr><th>offset</th><th>size</th><th>field</th></tr>
 * <tr><td>0</td><td>16</td><td>partition type GUID (mixed-endian, see {@link Guids}); all zero = unused</td></tr>
 * <tr><td>16</td><td>16</td><td>unique partition GUID</td></tr>
 * <tr><td>32</td><td>8</td><td>first LBA</td></tr>
 * <tr><td>40</td><td>8</td><td>last LBA (inclusive)</td></tr>
 * <tr><td>48</td><td>8</td><td>attribute flags ({@link GptAttributes})</td></tr>
 * <tr><td>56</td><td>72</td><td>partition name, UTF-16LE, 36 code units, zero padded</td></tr>
 * </table>
 *
 * @param typeGuid partition type
 * @param partGuid unique partition GUID
 * @param firstLba first sector
 * @param lastLba last sector, inclusive
 * @param attributes attribute flags
 * @param name partition name, at most 36 UTF-16 code units
 */
public record GptPartitionEntry(
    UUID typeGuid, UUID partGuid, long firstLba, long lastLba, GptAttributes attributes, String name) {
  public static final int SIZE = 128;
  private static final int NAME_UNITS = 36;
  private static final UUID ZERO = new UUID(0, 0);

  public GptPartitionEntry {
    if (typeGuid.equals(ZERO)) {
      throw new IllegalArgumentException("partition '" + name + "' has the all-zero (unused) type GUID");
    }
    if (firstLba < 0 || lastLba < firstLba) {
      throw new IllegalArgumentException("partition '" + name + "' has bad LBA range " + firstLba + ".." + lastLba);
    }
    if (name.length() > NAME_UNITS) {
      throw new IllegalArgumentException("partition name '" + name + "' is longer than 36 UTF-16 units");
    }
  }

  public long sizeSectors() {
    return lastLba - firstLba + 1;
  }

  public byte[] toBytes() {
    byte[] b = new byte[SIZE];
    Guids.write(typeGuid, b, 0);
    Guids.write(partGuid, b, 16);
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    bb.putLong(32, firstLba).putLong(40, lastLba).putLong(48, attributes.bits());
    byte[] n = name.getBytes(StandardCharsets.UTF_16LE);
    System.arraycopy(n, 0, b, 56, n.length);
    return b;
  }

  /**
   * Parses the entry at {@code offset}; returns {@code null} for an unused (all-zero type) slot.
   *
   * @throws IllegalArgumentException if the LBA range is inverted (callers reading disks catch it and report)
   */
  public static GptPartitionEntry parse(byte[] src, int offset) {
    UUID type = Guids.read(src, offset);
    if (type.equals(ZERO)) {
      return null;
    }
    ByteBuffer bb = ByteBuffer.wrap(src).order(ByteOrder.LITTLE_ENDIAN);
    int len = 0;
    while (len < NAME_UNITS && (src[offset + 56 + 2 * len] != 0 || src[offset + 57 + 2 * len] != 0)) {
      len++;
    }
    String name = new String(src, offset + 56, 2 * len, StandardCharsets.UTF_16LE);
    return new GptPartitionEntry(type, Guids.read(src, offset + 16), bb.getLong(offset + 32),
        bb.getLong(offset + 40), new GptAttributes(bb.getLong(offset + 48)), name);
  }
}

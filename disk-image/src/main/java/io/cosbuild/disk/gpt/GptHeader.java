package io.cosbuild.disk.gpt;

import io.cosbuild.disk.DiskImageException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * A GPT header (primary at LBA 1, backup at the last LBA). Immutable and thread-safe.
 *
 * <table>
 * <caption>Byte layout (little-endian), one 512-byte sector</caption>
 * <tr><th>offset</th><th>size</th><th>field</th></tr>
 * <tr><td>0</td><td>8</td><td>signature "EFI PART"</td></tr>
 * <tr><td>8</td><td>4</td><td>revision 0x00010000</td></tr>
 * <tr><td>12</td><td>4</td><td>header size, 92</td></tr>
 * <tr><td>16</td><td>4</td><td>CRC32 of bytes 0..header size with this field zero</td></tr>
 * <tr><td>20</td><td>4</td><td>reserved, zero</td></tr>
 * <tr><td>24</td><td>8</td><td>LBA of this header</td></tr>
 * <tr><td>32</td><td>8</td><td>LBA of the other header</td></tr>
 * <tr><td>40</td><td>8</td><td>first usable LBA</td></tr>
 * <tr><td>48</td><td>8</td><td>last usable LBA</td></tr>
 * <tr><td>56</td><td>16</td><td>disk GUID</td></tr>
 * <tr><td>72</td><td>8</td><td>LBA of the partition entry array</td></tr>
 * <tr><td>80</td><td>4</td><td>number of entries (usually 128)</td></tr>
 * <tr><td>84</td><td>4</td><td>size of one entry: 128 x 2^n (usually 128)</td></tr>
 * <tr><td>88</td><td>4</td><td>CRC32 of the entry array</td></tr>
 * <tr><td>92</td><td>420</td><td>reserved, zero</td></tr>
 * </table>
 *
 * <p>The constructor refuses an entry size other than 128 x 2^n (as the UEFI spec's GPT header demands) and an
 * entry array larger than 4 MiB: real tables are 16 KiB, Linux reads none larger (KMALLOC_MAX_SIZE with 4 KiB
 * pages), and the reader holds the array in memory, so a bigger one is damage.
 */
public record GptHeader(
    long currentLba,
    long backupLba,
    long firstUsableLba,
    long lastUsableLba,
    UUID diskGuid,
    long entriesLba,
    int entryCount,
    int entrySize,
    int entriesCrc32) {
  public static final int SECTOR = 512;
  public static final int HEADER_SIZE = 92;
  public static final int REVISION = 0x00010000;
  public static final int MAX_ENTRY_ARRAY_BYTES = 4 << 20;
  private static final byte[] SIGNATURE = "EFI PART".getBytes(StandardCharsets.US_ASCII);

  public GptHeader {
    // Both fields are unsigned on disk: a negative int here is a count or size of 2^31 or more.
    if (entrySize < GptPartitionEntry.SIZE || Integer.bitCount(entrySize) != 1) {
      throw new IllegalArgumentException("entry size " + Integer.toUnsignedString(entrySize)
          + " is not 128 x 2^n bytes");
    }
    if (entryCount <= 0 || (long) entryCount * entrySize > MAX_ENTRY_ARRAY_BYTES) {
      throw new IllegalArgumentException(entryCount == 0 ? "entry count is 0"
          : "entry array of " + Integer.toUnsignedString(entryCount) + " x " + entrySize
              + " bytes is larger than 4 MiB");
    }
  }

  /** Sectors the entry array fills, the last one perhaps in part. */
  public long entryArraySectors() {
    return ((long) entryCount * entrySize + SECTOR - 1) / SECTOR;
  }

  /** The header as a full 512-byte sector with its CRC32 filled in. */
  public byte[] toBytes() {
    byte[] b = new byte[SECTOR];
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    bb.put(SIGNATURE).putInt(8, REVISION).putInt(12, HEADER_SIZE);
    bb.putLong(24, currentLba).putLong(32, backupLba).putLong(40, firstUsableLba).putLong(48, lastUsableLba);
    Guids.write(diskGuid, b, 56);
    bb.putLong(72, entriesLba).putInt(80, entryCount).putInt(84, entrySize).putInt(88, entriesCrc32);
    bb.putInt(16, crc32(b, 0, HEADER_SIZE));
    return b;
  }

  /**
   * Parses and checks a header sector: signature, revision, header size and header CRC32.
   *
   * @param where names the header in messages ("primary GPT header at LBA 1")
   */
  public static GptHeader parse(byte[] sector, String where) throws DiskImageException {
    if (!Arrays.equals(sector, 0, 8, SIGNATURE, 0, 8)) {
      throw new DiskImageException(where + ": no \"EFI PART\" signature");
    }
    ByteBuffer bb = ByteBuffer.wrap(sector).order(ByteOrder.LITTLE_ENDIAN);
    int size = bb.getInt(12);
    if (size < HEADER_SIZE || size > SECTOR) {
      throw new DiskImageException(where + ": header size " + size + " is outside 92..512");
    }
    int stored = bb.getInt(16);
    byte[] copy = Arrays.copyOf(sector, size);
    Arrays.fill(copy, 16, 20, (byte) 0);
    int actual = crc32(copy, 0, size);
    if (stored != actual) {
      throw new DiskImageException(String.format("%s: header CRC32 is %08x but the header checksums to %08x",
          where, stored, actual));
    }
    if (bb.getInt(8) != REVISION) {
      throw new DiskImageException(String.format("%s: unsupported revision %08x", where, bb.getInt(8)));
    }
    try {
      return new GptHeader(bb.getLong(24), bb.getLong(32), bb.getLong(40), bb.getLong(48), Guids.read(sector, 56),
          bb.getLong(72), bb.getInt(80), bb.getInt(84), bb.getInt(88));
    } catch (IllegalArgumentException e) {
      throw new DiskImageException(where + ": " + e.getMessage(), e);
    }
  }

  public static int crc32(byte[] b, int off, int len) {
    CRC32 crc = new CRC32();
    crc.update(b, off, len);
    return (int) crc.getValue();
  }
}

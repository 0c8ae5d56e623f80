package io.cosbuild.rootfs.efi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One entry of a PE section table. Immutable.
 *
 * <p>40 bytes, little-endian: 0 Name[8] (NUL-padded), 8 VirtualSize u32, 12 VirtualAddress u32, 16 SizeOfRawData
 * u32, 20 PointerToRawData u32, 24 PointerToRelocations u32, 28 PointerToLinenumbers u32, 32 NumberOfRelocations
 * u16, 34 NumberOfLinenumbers u16, 36 Characteristics u32. The relocation and line-number fields are zero in an image
 * (PE/COFF spec) and are neither kept nor written.
 *
 * @param name up to 8 characters, each one byte (ISO-8859-1, so any name a file holds reads back unchanged)
 */
public record SectionHeader(String name, long virtualSize, long virtualAddress, long sizeOfRawData,
    long pointerToRawData, long characteristics) {

  public static final int SIZE = 40;

  /** IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_READ, what objcopy gives an added section. */
  public static final long READ_ONLY_DATA = 0x4000_0040L;

  public SectionHeader {
    if (name.length() > 8 || name.chars().anyMatch(c -> c == 0 || c > 0xff)) {
      throw new IllegalArgumentException("section name '" + name + "' is not up to 8 non-NUL bytes");
    }
    for (long v : new long[] {virtualSize, virtualAddress, sizeOfRawData, pointerToRawData, characteristics}) {
      if (v < 0 || v > PeImage.U32_MAX) {
        throw new IllegalArgumentException("section " + name + ": field value " + v + " does not fit 32 bits");
      }
    }
  }

  /** The header at {@code offset} of {@code buf} (little-endian); the caller has checked the 40 bytes are there. */
  static SectionHeader parse(ByteBuffer buf, int offset) {
    byte[] raw = new byte[8];
    buf.get(offset, raw);
    int len = 0;
    while (len < 8 && raw[len] != 0) {
      len++;
    }
    return new SectionHeader(new String(raw, 0, len, StandardCharsets.ISO_8859_1), u32(buf, offset + 8),
        u32(buf, offset + 12), u32(buf, offset + 16), u32(buf, offset + 20), u32(buf, offset + 36));
  }

  public byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.put(name.getBytes(StandardCharsets.ISO_8859_1));
    b.putInt(8, (int) virtualSize).putInt(12, (int) virtualAddress).putInt(16, (int) sizeOfRawData)
        .putInt(20, (int) pointerToRawData).putInt(36, (int) characteristics);
    return b.array();
  }

  /** The first address past the section in memory. */
  public long virtualEnd() {
    return virtualAddress + virtualSize;
  }

  static long u32(ByteBuffer buf, int offset) {
    return Integer.toUnsignedLong(buf.getInt(offset));
  }
}

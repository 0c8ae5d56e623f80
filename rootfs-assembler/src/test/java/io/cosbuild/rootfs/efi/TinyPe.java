package io.cosbuild.rootfs.efi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A minimal PE32+ EFI application made in the test: DOS header, COFF header, a 240-byte optional header with 16
 * data directories, one {@code .text} section of 16 bytes (raw data 0x200 bytes at 0x200). The header area
 * (SizeOfHeaders 0x200) leaves room for three more section headers. SizeOfInitializedData is an arbitrary 0x400, to
 * be told apart from what is added to it. The offsets are there for tests to break fields.
 */
final class TinyPe {

  static final int LFANEW = 0x40;
  static final int COFF = LFANEW + 4;
  static final int OPT = COFF + 20;
  static final int CERTIFICATE_DIRECTORY = OPT + 112 + 8 * 4;
  static final int SECTION_TABLE = OPT + 240;
  static final int LENGTH = 0x400;

  private TinyPe() {}

  static byte[] bytes() {
    ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    b.put(0, (byte) 'M').put(1, (byte) 'Z').putInt(0x3c, LFANEW);
    b.putInt(LFANEW, 0x00004550);
    b.putShort(COFF, (short) 0x8664).putShort(COFF + 2, (short) 1).putShort(COFF + 16, (short) 240)
        .putShort(COFF + 18, (short) 0x206);
    // Magic, SizeOfCode, SizeOfInitializedData, AddressOfEntryPoint, BaseOfCode, SectionAlignment, FileAlignment,
    // SizeOfImage, SizeOfHeaders, Subsystem (EFI application), NumberOfRvaAndSizes.
    b.putShort(OPT, (short) 0x20b).putInt(OPT + 4, 0x200).putInt(OPT + 8, 0x400).putInt(OPT + 16, 0x1000)
        .putInt(OPT + 20, 0x1000).putInt(OPT + 32, 0x1000).putInt(OPT + 36, 0x200).putInt(OPT + 56, 0x2000)
        .putInt(OPT + 60, 0x200).putShort(OPT + 68, (short) 10).putInt(OPT + 108, 16);
    b.put(SECTION_TABLE, new SectionHeader(".text", 0x10, 0x1000, 0x200, 0x200, 0x6000_0020L).toBytes());
    b.put(0x200, (byte) 0xc3); // ret
    return b.array();
  }
}

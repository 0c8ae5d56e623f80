package io.cosbuild.rootfs.efi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The headers of a PE32+ image (an EFI executable such as systemd's stub), read from its bytes. Every offset and
 * size read is checked against the file's length, so a truncated or hostile file is an {@link EfiImageException},
 * never an index error. Immutable and thread-safe; keeps its own copy of the bytes (or of the file's first bytes,
 * when only the headers are wanted: see {@link #parseHeaders}).
 *
 * <p>Layout, little-endian. DOS header: 0 "MZ", 0x3c e_lfanew u32. At e_lfanew: "PE\0\0", then the COFF header:
 * +4 Machine u16, +6 NumberOfSections u16, +12 PointerToSymbolTable u32, +16 NumberOfSymbols u32 (18 bytes each,
 * followed by the string table, whose first u32 is its size including that u32), +20 SizeOfOptionalHeader u16,
 * +22 Characteristics u16. The optional header at e_lfanew + 24:
 * 0 Magic u16 (0x20b for PE32+), 8 SizeOfInitializedData u32, 32 SectionAlignment u32, 36 FileAlignment u32,
 * 56 SizeOfImage u32, 60 SizeOfHeaders u32, 64 CheckSum u32, 108 NumberOfRvaAndSizes u32, 112 the data directories
 * (RVA u32, Size u32 each; entry 4, the certificate table, holds a file offset instead of an RVA). The section table
 * ({@link SectionHeader}) follows the optional header.
 */
public final class PeImage {

  static final long U32_MAX = 0xFFFF_FFFFL;

  private static final int PE32 = 0x10b;
  private static final int PE32_PLUS = 0x20b;
  private static final int OPTIONAL_HEADER_FIXED = 112;
  private static final int CERTIFICATE_TABLE = 4;
  private static final int SIZE_OF_INITIALIZED_DATA = 8;
  private static final int ADDRESS_OF_ENTRY_POINT = 16;
  private static final int SIZE_OF_IMAGE = 56;
  private static final int CHECK_SUM = 64;
  private static final long MAX_FILE_ALIGNMENT = 65536;
  private static final int SYMBOL_SIZE = 18;
  private static final int IMAGE_FILE_LOCAL_SYMS_STRIPPED = 0x0008;

  /** One data directory entry; absent when both fields are zero. */
  public record DataDirectory(long address, long size) {
    public boolean isPresent() {
      return address != 0 || size != 0;
    }
  }

  private final String what;
  private final byte[] bytes;
  private final long length;
  private final int coffOffset;
  private final int optOffset;
  private final int sectionTableOffset;
  private final int machine;
  private final long sectionAlignment;
  private final long fileAlignment;
  private final long sizeOfImage;
  private final long sizeOfHeaders;
  private final long sizeOfInitializedData;
  private final long checkSum;
  private final DataDirectory certificateTable;
  private final long entryPoint;
  private final long pointerToSymbolTable;
  private final long numberOfSymbols;
  private final List<DataDirectory> directories = new ArrayList<>();
  private final List<SectionHeader> sections = new ArrayList<>();

  private PeImage(String what, byte[] file, long length) throws EfiImageException {
    this.what = what;
    bytes = file.clone();
    this.length = length;
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 64 || bytes[0] != 'M' || bytes[1] != 'Z') {
      throw new EfiImageException(what + ": not a PE image (no MZ header)");
    }
    long lfanew = SectionHeader.u32(buf, 0x3c);
    checkRange(lfanew, 24, "PE signature and COFF header");
    int pe = (int) lfanew;
    if (buf.getInt(pe) != 0x00004550) {
      throw new EfiImageException(what + ": not a PE image (no PE signature at e_lfanew " + hex(lfanew) + ")");
    }
    coffOffset = pe + 4;
    machine = Short.toUnsignedInt(buf.getShort(coffOffset));
    int numberOfSections = Short.toUnsignedInt(buf.getShort(coffOffset + 2));
    pointerToSymbolTable = SectionHeader.u32(buf, coffOffset + 8);
    numberOfSymbols = SectionHeader.u32(buf, coffOffset + 12);
    int sizeOfOptionalHeader = Short.toUnsignedInt(buf.getShort(coffOffset + 16));
    optOffset = coffOffset + 20;
    checkRange(optOffset, 2, "optional header");
    int magic = Short.toUnsignedInt(buf.getShort(optOffset));
    if (magic == PE32) {
      throw new EfiImageException(what + ": a PE32 (32-bit) image; only PE32+ is supported, use the 64-bit stub");
    }
    if (magic != PE32_PLUS) {
      throw new EfiImageException(what + ": optional header magic " + hex(magic) + " is not PE32+ (0x20b)");
    }
    if (sizeOfOptionalHeader < OPTIONAL_HEADER_FIXED) {
      throw new EfiImageException(what + ": SizeOfOptionalHeader " + sizeOfOptionalHeader + " is below "
          + OPTIONAL_HEADER_FIXED);
    }
    checkRange(optOffset, sizeOfOptionalHeader, "optional header");
    sizeOfInitializedData = SectionHeader.u32(buf, optOffset + SIZE_OF_INITIALIZED_DATA);
    sectionAlignment = SectionHeader.u32(buf, optOffset + 32);
    fileAlignment = SectionHeader.u32(buf, optOffset + 36);
    sizeOfImage = SectionHeader.u32(buf, optOffset + SIZE_OF_IMAGE);
    sizeOfHeaders = SectionHeader.u32(buf, optOffset + 60);
    checkSum = SectionHeader.u32(buf, optOffset + CHECK_SUM);
    if (Long.bitCount(fileAlignment) != 1 || fileAlignment > MAX_FILE_ALIGNMENT
        || Long.bitCount(sectionAlignment) != 1) {
      throw new EfiImageException(what + ": SectionAlignment " + hex(sectionAlignment) + " and FileAlignment "
          + hex(fileAlignment) + " must be powers of two, FileAlignment at most 64 KiB");
    }
    long directoryCount = SectionHeader.u32(buf, optOffset + 108);
    if (directoryCount > (sizeOfOptionalHeader - OPTIONAL_HEADER_FIXED) / 8) {
      throw new EfiImageException(what + ": " + directoryCount + " data directories do not fit SizeOfOptionalHeader "
          + sizeOfOptionalHeader);
    }
    for (int i = 0; i < directoryCount; i++) {
      int at = optOffset + OPTIONAL_HEADER_FIXED + 8 * i;
      directories.add(new DataDirectory(SectionHeader.u32(buf, at), SectionHeader.u32(buf, at + 4)));
    }
    certificateTable = directoryCount > CERTIFICATE_TABLE ? directories.get(CERTIFICATE_TABLE) : new DataDirectory(0, 0);
    entryPoint = SectionHeader.u32(buf, optOffset + ADDRESS_OF_ENTRY_POINT);
    sectionTableOffset = optOffset + sizeOfOptionalHeader;
    checkRange(sectionTableOffset, (long) numberOfSections * SectionHeader.SIZE, "section table");
    if (sizeOfHeaders > length || sectionTableOffset + (long) numberOfSections * SectionHeader.SIZE
        > sizeOfHeaders) {
      throw new EfiImageException(what + ": SizeOfHeaders " + hex(sizeOfHeaders) + " does not hold the section table"
          + " or lies outside the file");
    }
    for (int i = 0; i < numberOfSections; i++) {
      SectionHeader s = SectionHeader.parse(buf, sectionTableOffset + i * SectionHeader.SIZE);
      if (s.sizeOfRawData() > 0) {
        checkFileRange(s.pointerToRawData(), s.sizeOfRawData(), "raw data of section " + s.name());
      }
      sections.add(s);
    }
  }

  /** Reads the headers of {@code file}; {@code what} names it in error messages. */
  public static PeImage parse(String what, byte[] file) throws EfiImageException {
    return parseHeaders(what, file, file.length);
  }

  /**
   * Reads the headers of a file of {@code fileLength} bytes from its first bytes, {@code prefix}, which must hold
   * them up to the end of the section table; the sections' raw data is checked against {@code fileLength}. Such an
   * image cannot give {@link #withAddedSections}.
   */
  static PeImage parseHeaders(String what, byte[] prefix, long fileLength) throws EfiImageException {
    if (prefix.length > fileLength) {
      throw new IllegalArgumentException(prefix.length + " bytes read from a file of " + fileLength);
    }
    try {
      return new PeImage(what, prefix, fileLength);
    } catch (IndexOutOfBoundsException e) {
      throw new EfiImageException(what + ": malformed PE image (" + e.getMessage() + ")", e);
    }
  }

  /** The COFF Machine field, e.g. 0x8664 for x86-64, 0xaa64 for AArch64. */
  public int machine() {
    return machine;
  }

  public long sectionAlignment() {
    return sectionAlignment;
  }

  public long fileAlignment() {
    return fileAlignment;
  }

  public long sizeOfImage() {
    return sizeOfImage;
  }

  public long sizeOfHeaders() {
    return sizeOfHeaders;
  }

  public long sizeOfInitializedData() {
    return sizeOfInitializedData;
  }

  public long checkSum() {
    return checkSum;
  }

  /** The certificate table (Authenticode signatures); present only in a signed image. */
  public DataDirectory certificateTable() {
    return certificateTable;
  }

  /** The section table in file order. */
  public List<SectionHeader> sections() {
    return List.copyOf(sections);
  }

  /** The file's length in bytes. */
  public long length() {
    return length;
  }

  /** NumberOfRvaAndSizes: how many data directories the optional header holds. */
  int dataDirectoryCount() {
    return directories.size();
  }

  /** Where data directory {@code index} (below {@link #dataDirectoryCount()}) lies in the file. */
  int dataDirectoryOffset(int index) {
    return optOffset + OPTIONAL_HEADER_FIXED + 8 * Objects.checkIndex(index, directories.size());
  }

  /**
   * This image without the COFF symbol table (and the string table after it) that ends the file, as ukify strips it
   * before adding sections: an image file should have none (the loader never reads it), and left in place it would
   * lie between the stub's sections and the added ones, a gap that Authenticode tools hash differently (EDK2 and
   * sbsign skip it, osslsigncode does not). PointerToSymbolTable and NumberOfSymbols become zero and
   * Characteristics gains IMAGE_FILE_LOCAL_SYMS_STRIPPED. The image itself when it has no symbol table, one that
   * does not end the file or that a section's data reaches into, or a signature (stripping would break it).
   */
  public PeImage withoutTrailingSymbolTable() throws EfiImageException {
    if (bytes.length != length) {
      throw new IllegalStateException(what + ": parsed from its headers only, so there are no bytes to strip");
    }
    if (pointerToSymbolTable == 0 || certificateTable.isPresent()) {
      return this;
    }
    long end = pointerToSymbolTable + numberOfSymbols * SYMBOL_SIZE;
    if (end > length) {
      return this;
    }
    if (end + 4 <= length) {
      end += SectionHeader.u32(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN), (int) end);
    }
    if (end != length) {
      return this;
    }
    for (SectionHeader s : sections) {
      if (s.sizeOfRawData() > 0 && s.pointerToRawData() + s.sizeOfRawData() > pointerToSymbolTable) {
        return this;
      }
    }
    if (pointerToSymbolTable < sizeOfHeaders) {
      return this;
    }
    byte[] out = Arrays.copyOf(bytes, (int) pointerToSymbolTable);
    ByteBuffer buf = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    buf.putInt(coffOffset + 8, 0);
    buf.putInt(coffOffset + 12, 0);
    int characteristics = Short.toUnsignedInt(buf.getShort(coffOffset + 18));
    buf.putShort(coffOffset + 18, (short) (characteristics | IMAGE_FILE_LOCAL_SYMS_STRIPPED));
    return parse(what, out);
  }

  /**
   * Where the raw data of the sections ends: the end of the last section's SizeOfRawData, or SizeOfHeaders for an
   * image without section data. Bytes after it (up to {@link #length()}) belong to no section.
   */
  public long sectionDataEnd() {
    long end = sizeOfHeaders;
    for (SectionHeader s : sections) {
      if (s.sizeOfRawData() > 0) {
        end = Math.max(end, s.pointerToRawData() + s.sizeOfRawData());
      }
    }
    return end;
  }

  /** Where the CheckSum field lies in the file. */
  public int checkSumOffset() {
    return optOffset + CHECK_SUM;
  }

  /**
   * The file's bytes with {@code added} appended to the section table, NumberOfSections, SizeOfImage and
   * SizeOfInitializedData set, and CheckSum zero (it is computed over the final file, this field counting as zero).
   * The new headers must fit in the header area: below SizeOfHeaders and below the first section, on disk and in
   * memory. The bytes they replace must be unused: zero, or padding that neither the entry point nor a data
   * directory points into. gnu-efi's arm64 stubs (systemd 252's among them) have such padding: their header is
   * written by hand in front of the code, and the NOPs that align the code to its page fill the rest of the header
   * page. (ukify adds its sections over it too.)
   */
  public byte[] withAddedSections(List<SectionHeader> added, long newSizeOfImage, long newSizeOfInitializedData)
      throws EfiImageException {
    if (bytes.length != length) {
      throw new IllegalStateException(what + ": parsed from its headers only, so there are no bytes to add to");
    }
    int count = sections.size() + added.size();
    if (count > 0xffff) {
      throw new EfiImageException(what + ": " + count + " sections exceed the PE limit of 65535");
    }
    long room = sizeOfHeaders;
    for (SectionHeader s : sections) {
      if (s.sizeOfRawData() > 0) {
        room = Math.min(room, s.pointerToRawData());
      }
      // Headers are mapped at RVA 0 as they lie in the file: a section mapped lower would overlap the new ones.
      room = Math.min(room, s.virtualAddress());
    }
    int start = sectionTableOffset + sections.size() * SectionHeader.SIZE;
    long end = start + (long) added.size() * SectionHeader.SIZE;
    if (end > room) {
      throw new EfiImageException(what + ": no room for " + added.size() + " more section headers: the table would"
          + " end at " + hex(end) + " but the header area ends at " + hex(room) + " (SizeOfHeaders "
          + hex(sizeOfHeaders) + ", or the first section); use a stub linked with more header space");
    }
    if (entryPoint >= start && entryPoint < end) {
      throw new EfiImageException(what + ": the entry point " + hex(entryPoint) + " lies in the header bytes after"
          + " the section table, so no section header can be added there");
    }
    for (int i = 0; i < directories.size(); i++) {
      DataDirectory d = directories.get(i);
      // Below SizeOfHeaders an RVA and a file offset are the same number, so the certificate table's offset counts too.
      if (d.isPresent() && d.address() < end && d.address() + Math.max(1, d.size()) > start) {
        throw new EfiImageException(what + ": data directory " + i + " (" + hex(d.address()) + ", " + d.size()
            + " bytes) lies in the header bytes after the section table, so no section header can be added there");
      }
    }
    byte[] out = bytes.clone();
    ByteBuffer buf = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < added.size(); i++) {
      buf.put(start + i * SectionHeader.SIZE, added.get(i).toBytes());
    }
    buf.putShort(coffOffset + 2, (short) count);
    buf.putInt(optOffset + SIZE_OF_IMAGE, (int) checkU32(newSizeOfImage, "SizeOfImage"));
    buf.putInt(optOffset + SIZE_OF_INITIALIZED_DATA,
        (int) checkU32(newSizeOfInitializedData, "SizeOfInitializedData"));
    buf.putInt(optOffset + CHECK_SUM, 0);
    return out;
  }

  private long checkU32(long v, String field) throws EfiImageException {
    if (v < 0 || v > U32_MAX) {
      throw new EfiImageException(what + ": " + field + " " + v + " does not fit 32 bits; the image is too large");
    }
    return v;
  }

  /** A part of the headers, which must lie in the bytes read. */
  private void checkRange(long off, long size, String part) throws EfiImageException {
    if (bytes.length < length) {
      if (outside(off, size, bytes.length)) {
        throw new EfiImageException(what + ": " + part + " at offset " + hex(off) + " size " + size
            + " lies outside the file's first " + bytes.length + " bytes, which must hold the headers");
      }
    } else {
      checkFileRange(off, size, part);
    }
  }

  private void checkFileRange(long off, long size, String part) throws EfiImageException {
    if (outside(off, size, length)) {
      throw new EfiImageException(what + ": " + part + " at offset " + hex(off) + " size " + size
          + " lies outside the file (" + length + " bytes; truncated?)");
    }
  }

  private static boolean outside(long off, long size, long limit) {
    return off < 0 || size < 0 || off > limit || size > limit - off;
  }

  static String hex(long v) {
    return "0x" + Long.toHexString(v);
  }
}

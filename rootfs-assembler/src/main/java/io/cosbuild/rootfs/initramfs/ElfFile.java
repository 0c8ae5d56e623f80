package io.cosbuild.rootfs.initramfs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The few facts of a 64-bit ELF file the initramfs needs: its machine, named sections (a kernel
 * module's {@code .modinfo}), the program interpreter ({@code PT_INTERP}) and the shared libraries
 * it needs ({@code DT_NEEDED}). Every offset and size read from the file is checked against the
 * file's length, so a hostile or truncated file is an {@link InitramfsException}, never an index
 * error. Immutable and thread-safe; holds the bytes it was given.
 *
 * <p>ELF64 header: 0 e_ident[16] (0x7f 'E' 'L' 'F', class 2 = 64-bit, data 1 = LE / 2 = BE), 16
 * e_type u16, 18 e_machine u16, 32 e_phoff u64, 40 e_shoff u64, 54 e_phentsize u16, 56 e_phnum
 * u16, 58 e_shentsize u16, 60 e_shnum u16, 62 e_shstrndx u16. Section header (64 bytes): 0 sh_name
 * u32, 4 sh_type u32, 24 sh_offset u64, 32 sh_size u64, 40 sh_link u32. Program header (56 bytes):
 * 0 p_type u32, 8 p_offset u64, 32 p_filesz u64. Dynamic entry (16 bytes): d_tag i64, d_val u64.
 */
public final class ElfFile {

  public static final int EM_X86_64 = 62;
  public static final int EM_AARCH64 = 183;

  private static final int PT_INTERP = 3;
  private static final int SHT_DYNAMIC = 6;
  private static final long DT_NEEDED = 1;

  private record Section(String name, int type, long offset, long size, int link) {}

  private final String what;
  private final ByteBuffer buf;
  private final int machine;
  private final List<Section> sections = new ArrayList<>();
  private final long phoff;
  private final int phnum;
  private final int phentsize;

  private ElfFile(String what, byte[] bytes) throws InitramfsException {
    this.what = what;
    if (bytes.length < 64 || bytes[0] != 0x7f || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F') {
      throw new InitramfsException(what + ": not an ELF file");
    }
    if (bytes[4] != 2) {
      throw new InitramfsException(what + ": only 64-bit ELF files are supported (class " + bytes[4] + ")");
    }
    ByteOrder order = switch (bytes[5]) {
      case 1 -> ByteOrder.LITTLE_ENDIAN;
      case 2 -> ByteOrder.BIG_ENDIAN;
      default -> throw new InitramfsException(what + ": bad ELF data encoding " + bytes[5]);
    };
    buf = ByteBuffer.wrap(bytes).order(order);
    machine = Short.toUnsignedInt(buf.getShort(18));
    phoff = buf.getLong(32);
    long shoff = buf.getLong(40);
    phentsize = Short.toUnsignedInt(buf.getShort(54));
    phnum = Short.toUnsignedInt(buf.getShort(56));
    int shentsize = Short.toUnsignedInt(buf.getShort(58));
    int shnum = Short.toUnsignedInt(buf.getShort(60));
    int shstrndx = Short.toUnsignedInt(buf.getShort(62));
    if (phnum > 0) {
      checkRange(phoff, (long) phnum * phentsize, "program headers");
      if (phentsize < 56) {
        throw new InitramfsException(what + ": program header size " + phentsize + " is below 56");
      }
    }
    if (shnum == 0) {
      return;
    }
    if (shentsize < 64) {
      throw new InitramfsException(what + ": section header size " + shentsize + " is below 64");
    }
    checkRange(shoff, (long) shnum * shentsize, "section headers");
    if (shstrndx >= shnum) {
      throw new InitramfsException(what + ": section name table index " + shstrndx + " >= " + shnum);
    }
    long strOff = buf.getLong(Math.toIntExact(shoff + (long) shstrndx * shentsize + 24));
    long strSize = buf.getLong(Math.toIntExact(shoff + (long) shstrndx * shentsize + 32));
    checkRange(strOff, strSize, "section name table");
    for (int i = 0; i < shnum; i++) {
      int h = Math.toIntExact(shoff + (long) i * shentsize);
      long nameOff = Integer.toUnsignedLong(buf.getInt(h));
      long off = buf.getLong(h + 24);
      long size = buf.getLong(h + 32);
      int type = buf.getInt(h + 4);
      if (type != 8) { // SHT_NOBITS occupies no file bytes
        checkRange(off, size, "section " + i);
      }
      if (nameOff >= strSize) {
        throw new InitramfsException(what + ": section " + i + " name offset " + nameOff + " is outside the name table");
      }
      sections.add(new Section(cString(strOff + nameOff, strOff + strSize), type, off, size, buf.getInt(h + 40)));
    }
  }

  /** Parses {@code bytes}; {@code what} names the file in error messages. */
  public static ElfFile parse(String what, byte[] bytes) throws InitramfsException {
    try {
      return new ElfFile(what, bytes);
    } catch (IndexOutOfBoundsException | ArithmeticException e) {
      throw new InitramfsException(what + ": malformed ELF file (" + e.getMessage() + ")", e);
    }
  }

  public int machine() {
    return machine;
  }

  /** The bytes of the section named {@code name}, if the file has one. */
  public Optional<byte[]> section(String name) {
    for (Section s : sections) {
      if (s.name.equals(name) && s.type != 8) {
        byte[] out = new byte[(int) s.size];
        buf.get((int) s.offset, out);
        return Optional.of(out);
      }
    }
    return Optional.empty();
  }

  /** The program interpreter, e.g. {@code /lib64/ld-linux-x86-64.so.2}; empty for a static file. */
  public Optional<String> interpreter() throws InitramfsException {
    for (int i = 0; i < phnum; i++) {
      int h = Math.toIntExact(phoff + (long) i * phentsize);
      if (buf.getInt(h) == PT_INTERP) {
        long off = buf.getLong(h + 8);
        long size = buf.getLong(h + 32);
        checkRange(off, size, "PT_INTERP");
        return Optional.of(cString(off, off + size));
      }
    }
    return Optional.empty();
  }

  /** The {@code DT_NEEDED} names in file order, e.g. {@code libc.so.6}. */
  public List<String> needed() throws InitramfsException {
    List<String> out = new ArrayList<>();
    for (Section s : sections) {
      if (s.type != SHT_DYNAMIC) {
        continue;
      }
      if (s.link < 0 || s.link >= sections.size()) {
        throw new InitramfsException(what + ": .dynamic links to missing section " + s.link);
      }
      Section str = sections.get(s.link);
      for (long p = s.offset; p + 16 <= s.offset + s.size; p += 16) {
        long tag = buf.getLong((int) p);
        if (tag == 0) {
          break;
        }
        if (tag == DT_NEEDED) {
          long v = buf.getLong((int) p + 8);
          if (v < 0 || v >= str.size) {
            throw new InitramfsException(what + ": DT_NEEDED string offset " + v + " is outside " + str.name);
          }
          out.add(cString(str.offset + v, str.offset + str.size));
        }
      }
    }
    return out;
  }

  private void checkRange(long off, long size, String part) throws InitramfsException {
    if (off < 0 || size < 0 || off > buf.capacity() || size > buf.capacity() - off) {
      throw new InitramfsException(what + ": " + part + " at offset " + off + " size " + size
          + " lies outside the file (" + buf.capacity() + " bytes)");
    }
  }

  private String cString(long start, long limit) {
    int s = (int) start;
    int e = s;
    while (e < limit && buf.get(e) != 0) {
      e++;
    }
    byte[] b = new byte[e - s];
    buf.get(s, b);
    return new String(b, StandardCharsets.UTF_8);
  }
}

package io.cosbuild.rootfs.efi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeImageTest {

  @Test
  void readsTheHeaderFields() throws Exception {
    PeImage pe = PeImage.parse("tiny", TinyPe.bytes());
    assertEquals(0x8664, pe.machine());
    assertEquals(0x1000, pe.sectionAlignment());
    assertEquals(0x200, pe.fileAlignment());
    assertEquals(0x2000, pe.sizeOfImage());
    assertEquals(0x200, pe.sizeOfHeaders());
    assertEquals(0x400, pe.sizeOfInitializedData());
    assertEquals(0, pe.checkSum());
    assertEquals(TinyPe.OPT + 64, pe.checkSumOffset());
    assertFalse(pe.certificateTable().isPresent());
    assertEquals(List.of(new SectionHeader(".text", 0x10, 0x1000, 0x200, 0x200, 0x6000_0020L)), pe.sections());
    assertEquals(TinyPe.LENGTH, pe.length());
  }

  @Test
  void refusesWhatIsNotMz() {
    byte[] b = TinyPe.bytes();
    b[0] = 'Z';
    assertMessage(b, "no MZ header");
  }

  @Test
  void refusesAMissingPeSignature() {
    byte[] b = TinyPe.bytes();
    b[TinyPe.LFANEW + 1] = 'X';
    assertMessage(b, "no PE signature");
  }

  @Test
  void refusesPe32() {
    byte[] b = TinyPe.bytes();
    le(b).putShort(TinyPe.OPT, (short) 0x10b);
    assertMessage(b, "PE32 (32-bit)");
  }

  @Test
  void refusesEveryTruncation() {
    byte[] whole = TinyPe.bytes();
    for (int len = 0; len < whole.length; len++) {
      byte[] cut = Arrays.copyOf(whole, len);
      EfiImageException e = assertThrows(EfiImageException.class, () -> PeImage.parse("cut", cut), "length " + len);
      assertTrue(e.getMessage().startsWith("cut: "), e.getMessage());
    }
  }

  @Test
  void refusesOffsetsOutsideTheFile() {
    byte[] lfanew = TinyPe.bytes();
    le(lfanew).putInt(0x3c, 0xffff_fff0);
    assertMessage(lfanew, "lies outside the file");
    byte[] raw = TinyPe.bytes();
    le(raw).putInt(TinyPe.SECTION_TABLE + 20, 0x7fff_ffff);
    assertMessage(raw, "raw data of section .text");
    byte[] sections = TinyPe.bytes();
    le(sections).putShort(TinyPe.COFF + 2, (short) 0xffff);
    assertMessage(sections, "section table");
  }

  @Test
  void refusesAlignmentsThatAreNotPowersOfTwo() {
    byte[] b = TinyPe.bytes();
    le(b).putInt(TinyPe.OPT + 36, 0x300);
    assertMessage(b, "powers of two");
  }

  @Test
  void readsTheHeadersFromTheFilesFirstBytes() throws Exception {
    byte[] b = TinyPe.bytes();
    PeImage pe = PeImage.parseHeaders("tiny", Arrays.copyOf(b, 0x200), b.length);
    assertEquals(PeImage.parse("tiny", b).sections(), pe.sections());
    assertEquals(b.length, pe.length());
    assertEquals(TinyPe.CERTIFICATE_DIRECTORY, pe.dataDirectoryOffset(4));
    assertEquals(16, pe.dataDirectoryCount());
    assertThrows(IllegalStateException.class, () -> pe.withAddedSections(List.of(), 0x2000, 0x400));
    EfiImageException cut = assertThrows(EfiImageException.class,
        () -> PeImage.parseHeaders("tiny", Arrays.copyOf(b, TinyPe.SECTION_TABLE + 39), b.length));
    assertTrue(cut.getMessage().contains("section table at offset 0x148 size 40 lies outside the file's first 367"
        + " bytes, which must hold the headers"), cut.getMessage());
    EfiImageException raw = assertThrows(EfiImageException.class,
        () -> PeImage.parseHeaders("tiny", Arrays.copyOf(b, 0x200), 0x3ff));
    assertTrue(raw.getMessage().contains("raw data of section .text"), raw.getMessage());
  }

  @Test
  void readsTheCertificateTable() throws Exception {
    byte[] b = TinyPe.bytes();
    le(b).putInt(TinyPe.CERTIFICATE_DIRECTORY, 0x400).putInt(TinyPe.CERTIFICATE_DIRECTORY + 4, 0x10);
    assertEquals(new PeImage.DataDirectory(0x400, 0x10), PeImage.parse("signed", b).certificateTable());
  }

  /** TinyPe followed by a COFF symbol table of {@code symbols} entries and a string table of {@code strings} bytes. */
  private static byte[] withSymbols(int symbols, int strings, int trailing) {
    byte[] b = Arrays.copyOf(TinyPe.bytes(), TinyPe.LENGTH + 18 * symbols + strings + trailing);
    le(b).putInt(TinyPe.COFF + 8, TinyPe.LENGTH).putInt(TinyPe.COFF + 12, symbols);
    if (strings > 0) {
      le(b).putInt(TinyPe.LENGTH + 18 * symbols, strings);
    }
    Arrays.fill(b, TinyPe.LENGTH, TinyPe.LENGTH + 18 * symbols, (byte) 0x55);
    return b;
  }

  @Test
  void stripsASymbolAndStringTableThatEndTheFile() throws Exception {
    for (int strings : new int[] {0, 4, 37}) {
      byte[] b = withSymbols(3, strings, 0);
      PeImage stripped = PeImage.parse("tiny", b).withoutTrailingSymbolTable();
      assertEquals(TinyPe.LENGTH, stripped.length());
      byte[] want = TinyPe.bytes();
      le(want).putShort(TinyPe.COFF + 18, (short) 0x20e); // IMAGE_FILE_LOCAL_SYMS_STRIPPED added to 0x206
      byte[] got = stripped.withAddedSections(List.of(), stripped.sizeOfImage(), stripped.sizeOfInitializedData());
      assertEquals(HexFormat.of().formatHex(want), HexFormat.of().formatHex(got), "string table of " + strings);
    }
  }

  @Test
  void keepsASymbolTableThatDoesNotEndTheFileOrThatASectionReaches() throws Exception {
    PeImage followed = PeImage.parse("tiny", withSymbols(3, 8, 1));
    assertSame(followed, followed.withoutTrailingSymbolTable());
    byte[] overlapped = withSymbols(3, 8, 0);
    le(overlapped).putInt(TinyPe.COFF + 8, 0x3f0); // inside .text's raw data
    le(overlapped).putInt(TinyPe.COFF + 12, 3);
    le(overlapped).putInt(0x3f0 + 54, 8 + 16); // so that the tables end the file
    PeImage reached = PeImage.parse("tiny", overlapped);
    assertSame(reached, reached.withoutTrailingSymbolTable());
    PeImage none = PeImage.parse("tiny", TinyPe.bytes());
    assertSame(none, none.withoutTrailingSymbolTable());
  }

  static ByteBuffer le(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static void assertMessage(byte[] b, String part) {
    EfiImageException e = assertThrows(EfiImageException.class, () -> PeImage.parse("x.efi", b));
    assertTrue(e.getMessage().contains(part), e.getMessage());
  }
}

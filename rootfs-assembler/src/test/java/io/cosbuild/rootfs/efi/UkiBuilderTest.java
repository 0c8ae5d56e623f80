package io.cosbuild.rootfs.efi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The layout rule and the refusals, on {@link TinyPe}; {@code UkiBuilderIT} has the real stub and the tools. */
class UkiBuilderTest {

  @TempDir Path dir;

  Path stub(byte[] b) throws Exception {
    return Files.write(dir.resolve("stub.efi"), b);
  }

  @Test
  void appendsSectionsPageAlignedInMemoryAndFileAlignedOnDisk() throws Exception {
    byte[] kernel = new byte[0x1234];
    Arrays.fill(kernel, (byte) 0x5a);
    Path linux = Files.write(dir.resolve("linux"), kernel);
    Path out = dir.resolve("uki.efi");
    List<SectionHeader> added = UkiBuilder.writeFile(stub(TinyPe.bytes()),
        List.of(UkiSection.text(".osrel", "ID=x\n"), UkiSection.file(".linux", linux)), out);

    // SizeOfImage 0x2000 is the end of the stub in memory; the file is 0x400 long.
    List<SectionHeader> want = List.of(
        new SectionHeader(".osrel", 5, 0x2000, 0x200, 0x400, 0x4000_0040L),
        new SectionHeader(".linux", 0x1234, 0x3000, 0x1400, 0x600, 0x4000_0040L));
    assertEquals(want, added);
    byte[] uki = Files.readAllBytes(out);
    assertEquals(0x1a00, uki.length);
    PeImage pe = PeImage.parse("uki", uki);
    assertEquals(want, pe.sections().subList(1, 3));
    assertEquals(0x5000, pe.sizeOfImage(), "0x3000 + 0x1234 rounded up to SectionAlignment");
    assertEquals(0x400 + 0x200 + 0x1400, pe.sizeOfInitializedData(), "the stub's plus the added raw sizes");
    assertArrayEquals(Arrays.copyOfRange(TinyPe.bytes(), 0x200, 0x400), Arrays.copyOfRange(uki, 0x200, 0x400));
    assertArrayEquals("ID=x\n\0\0\0".getBytes(), Arrays.copyOfRange(uki, 0x400, 0x408));
    assertArrayEquals(kernel, Arrays.copyOfRange(uki, 0x600, 0x600 + 0x1234));
    assertTrue(Arrays.equals(new byte[0x1400 - 0x1234], Arrays.copyOfRange(uki, 0x600 + 0x1234, uki.length)));

    PeImageTest.le(uki).putInt(pe.checkSumOffset(), 0);
    assertEquals(PeChecksumTest.sum(uki), pe.checkSum());
  }

  /** As systemd 252's arm64 stub: bytes after the last section that no section holds (its SBAT strings). */
  @Test
  void bytesAfterTheStubsSectionsMoveBehindTheAddedOnesSoTheSectionsLieEndToEnd() throws Exception {
    byte[] tail = "sbat,1,SBAT\n".getBytes(StandardCharsets.US_ASCII);
    byte[] stub = Arrays.copyOf(TinyPe.bytes(), TinyPe.LENGTH + tail.length);
    System.arraycopy(tail, 0, stub, TinyPe.LENGTH, tail.length);
    Path out = dir.resolve("uki.efi");
    List<SectionHeader> added = UkiBuilder.writeFile(stub(stub), List.of(UkiSection.text(".osrel", "ID=x\n")), out);

    assertEquals(List.of(new SectionHeader(".osrel", 5, 0x2000, 0x200, 0x400, 0x4000_0040L)), added,
        "right after .text's raw data, not after the stub's last byte");
    byte[] uki = Files.readAllBytes(out);
    assertEquals(0x800, uki.length, "the trailing bytes padded to FileAlignment");
    assertArrayEquals("ID=x\n\0\0\0".getBytes(), Arrays.copyOfRange(uki, 0x400, 0x408));
    assertArrayEquals(tail, Arrays.copyOfRange(uki, 0x600, 0x600 + tail.length), "the stub's trailing bytes, at the end");
    assertTrue(Arrays.equals(new byte[0x200 - tail.length], Arrays.copyOfRange(uki, 0x600 + tail.length, uki.length)));
    PeImage pe = PeImage.parse("uki", uki);
    PeImageTest.le(uki).putInt(pe.checkSumOffset(), 0);
    assertEquals(PeChecksumTest.sum(uki), pe.checkSum());
  }

  @Test
  void aSectionAlignmentBelowAPageStillStartsSectionsOnPages() throws Exception {
    byte[] b = TinyPe.bytes(); // as systemd 252's stub: SectionAlignment 0x200
    PeImageTest.le(b).putInt(TinyPe.OPT + 32, 0x200).putInt(TinyPe.OPT + 56, 0x1200);
    List<SectionHeader> added = UkiBuilder.writeFile(stub(b),
        List.of(UkiSection.text(".osrel", "ID=x\n"), UkiSection.text(".cmdline", "quiet")), dir.resolve("uki.efi"));
    assertEquals(List.of(0x2000L, 0x3000L), added.stream().map(SectionHeader::virtualAddress).toList());
    assertEquals(0x3200, PeImage.parse("uki", Files.readAllBytes(dir.resolve("uki.efi"))).sizeOfImage(),
        "0x3000 + 5 rounded up to SectionAlignment");
  }

  @Test
  void refusesASignedStub() throws Exception {
    byte[] b = TinyPe.bytes();
    PeImageTest.le(b).putInt(TinyPe.CERTIFICATE_DIRECTORY, 0x400).putInt(TinyPe.CERTIFICATE_DIRECTORY + 4, 0x10);
    assertRefused(b, List.of(UkiSection.text(".osrel", "x")), "is signed");
  }

  @Test
  void refusesMoreSectionHeadersThanTheHeaderAreaHolds() throws Exception {
    List<UkiSection> three =
        List.of(UkiSection.text(".a", "1"), UkiSection.text(".b", "2"), UkiSection.text(".c", "3"));
    UkiBuilder.writeFile(stub(TinyPe.bytes()), three, dir.resolve("fits.efi"));
    List<UkiSection> four = Stream.concat(three.stream(), Stream.of(UkiSection.text(".d", "4"))).toList();
    assertRefused(TinyPe.bytes(), four, "no room for 4 more section headers");
  }

  @Test
  void writesOverThePaddingThatAlignsAnArm64StubsCode() throws Exception {
    // gnu-efi's arm64 stubs: the hand-written header, then AArch64 NOPs up to the code's page.
    byte[] b = TinyPe.bytes();
    int tableEnd = TinyPe.SECTION_TABLE + SectionHeader.SIZE;
    for (int i = tableEnd; i < 0x200; i += 4) {
      PeImageTest.le(b).putInt(i, 0xd503201f);
    }
    Path out = dir.resolve("uki.efi");
    List<SectionHeader> added = UkiBuilder.writeFile(stub(b),
        List.of(UkiSection.text(".osrel", "ID=x\n"), UkiSection.text(".cmdline", "quiet")), out);
    byte[] uki = Files.readAllBytes(out);
    assertEquals(added, PeImage.parse("uki", uki).sections().subList(1, 3));
    int newEnd = tableEnd + 2 * SectionHeader.SIZE;
    assertArrayEquals(Arrays.copyOfRange(b, newEnd, 0x200), Arrays.copyOfRange(uki, newEnd, 0x200),
        "the padding after the new headers is left as it was");
  }

  @Test
  void refusesToOverwriteHeaderBytesTheEntryPointOrADataDirectoryPointsInto() throws Exception {
    List<UkiSection> two = List.of(UkiSection.text(".a", "1"), UkiSection.text(".b", "2"));
    int lastNewByte = TinyPe.SECTION_TABLE + 3 * SectionHeader.SIZE - 1;
    byte[] entry = TinyPe.bytes();
    PeImageTest.le(entry).putInt(TinyPe.OPT + 16, lastNewByte);
    assertRefused(entry, two, "the entry point 0x" + Integer.toHexString(lastNewByte) + " lies in the header bytes");
    byte[] debug = TinyPe.bytes(); // data directory 6, the debug directory
    PeImageTest.le(debug).putInt(TinyPe.OPT + 112 + 8 * 6, lastNewByte).putInt(TinyPe.OPT + 112 + 8 * 6 + 4, 28);
    assertRefused(debug, two, "data directory 6 (0x" + Integer.toHexString(lastNewByte) + ", 28 bytes) lies in");
    byte[] below = TinyPe.bytes(); // a directory ending right where the new headers begin is no obstacle
    PeImageTest.le(below).putInt(TinyPe.OPT + 112 + 8 * 6, TinyPe.SECTION_TABLE + SectionHeader.SIZE - 28)
        .putInt(TinyPe.OPT + 112 + 8 * 6 + 4, 28);
    UkiBuilder.writeFile(stub(below), two, dir.resolve("below.efi"));
  }

  @Test
  void refusesHeadersThatWouldReachASectionMappedBelowSizeOfHeaders() throws Exception {
    byte[] b = TinyPe.bytes();
    // .text's VirtualAddress (section header offset 12) moved down to 0x180: the headers' memory ends there.
    PeImageTest.le(b).putInt(TinyPe.SECTION_TABLE + 12, 0x180);
    assertRefused(b, List.of(UkiSection.text(".a", "1"), UkiSection.text(".b", "2")), "header area ends at 0x180");
  }

  @Test
  void refusesDuplicateExistingAndOverlappingNames() throws Exception {
    assertRefused(TinyPe.bytes(), List.of(UkiSection.text(".osrel", "1"), UkiSection.text(".osrel", "2")),
        "section .osrel is given twice");
    assertRefused(TinyPe.bytes(), List.of(UkiSection.text(".text", "1")), "section .text is already in the stub");
    assertRefused(TinyPe.bytes(), List.of(UkiSection.text(".initrd", "1"), UkiSection.text(".initrd2", "2")),
        "section names .initrd and .initrd2 overlap");
    assertRefused(TinyPe.bytes(), List.of(UkiSection.text(".tex", "1")), "section names .text and .tex overlap");
  }

  @Test
  void refusesEmptySectionsAndBadNames() throws Exception {
    assertRefused(TinyPe.bytes(), List.of(UkiSection.text(".cmdline", "")), "section .cmdline is empty");
    assertRefused(TinyPe.bytes(), List.of(), "no sections");
    assertThrows(IllegalArgumentException.class, () -> UkiSection.text(".toolong1", "x"));
    assertThrows(IllegalArgumentException.class, () -> UkiSection.text("", "x"));
    assertThrows(IllegalArgumentException.class, () -> UkiSection.text(".é", "x"));
  }

  private void assertRefused(byte[] stub, List<UkiSection> sections, String part) throws Exception {
    Path out = dir.resolve("refused.efi");
    EfiImageException e = assertThrows(EfiImageException.class, () -> UkiBuilder.writeFile(stub(stub), sections, out));
    assertTrue(e.getMessage().contains(part), e.getMessage());
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith(".refused")
          || p.equals(out)).toList(), "neither the image nor its temporary file is left");
    }
  }
}

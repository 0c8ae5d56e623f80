package io.cosbuild.rootfs.efi;

import io.cosbuild.rootfs.tree.CompleteFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a Unified Kernel Image: systemd's EFI stub ({@code linuxx64.efi.stub}) with sections appended, as
 * {@code objcopy --add-section} and systemd's {@code ukify} do, so that the firmware starts the stub and the stub
 * boots the kernel in {@code .linux} with the initramfs in {@code .initrd} and the command line in {@code .cmdline}.
 *
 * <p>The stub's own sections stay as they are; a COFF symbol table that ends the stub (systemd 252's x86 stub
 * carries one) is dropped first, as ukify drops it (see {@link PeImage#withoutTrailingSymbolTable}). Other bytes
 * after the stub's last section, which no section holds (systemd 252's arm64 stub, a gnu-efi image, ends with its
 * SBAT and LoaderInfo strings so), are kept but moved to the end of the file, after the added sections, and
 * zero-padded to FileAlignment. Either way the sections lie end to end, with no gap that Authenticode tools hash
 * differently (EDK2 and sbsign leave a gap out, osslsigncode does not). The stub's section table grows into the
 * free part of the header area. Each added section, in the order given, gets:
 * <ul>
 *   <li>VirtualAddress: after all that precedes it in memory (the stub's SizeOfImage or its highest section end,
 *       then the previous added section's end), rounded up to SectionAlignment but at least to 4 KiB. That is
 *       ukify's rule rather than objcopy's fixed addresses; the 4 KiB floor is ours, because systemd 252's stub has
 *       a SectionAlignment of 512 bytes and Linux expects an initrd handed to it in memory to start on a page (the
 *       firmware loads an image on a page boundary). For a stub aligned to 4 KiB or more it is ukify's rule exactly.
 *   <li>VirtualSize: the content's exact length (the stub uses it as the length of the command line, kernel and
 *       initrd).
 *   <li>PointerToRawData: the end of the section data so far rounded up to FileAlignment; SizeOfRawData: the
 *       length rounded up to FileAlignment, the gap zero-filled.
 *   <li>Characteristics: read-only initialized data (0x40000040), as objcopy gives them.
 * </ul>
 * NumberOfSections, SizeOfImage (the last section's end rounded up to SectionAlignment) and SizeOfInitializedData
 * (plus each added SizeOfRawData, as objcopy counts) are updated, and CheckSum is computed over the final file as
 * objcopy and pesign compute it. The output depends only on the stub's bytes and the sections' names and bytes:
 * the stub's TimeDateStamp is kept and nothing else is dated.
 *
 * <p>Refused: a signed stub (adding sections would invalidate the signature), a name already in the stub, names
 * given twice or of which one begins with another, empty content, and a section table that would outgrow the header
 * area. Stateless and thread-safe.
 */
public final class UkiBuilder {

  private static final long MIN_SECTION_ADDRESS_ALIGNMENT = 4096;
  private static final int COPY_BUFFER = 1 << 20;

  private UkiBuilder() {}

  /**
   * Writes the UKI to {@code target} through a temporary file in the same directory, renamed into place once
   * complete; on failure the temporary file is removed and {@code target} is untouched. Returns the added sections'
   * headers.
   */
  public static List<SectionHeader> writeFile(Path stub, List<UkiSection> sections, Path target)
      throws IOException, EfiImageException {
    return CompleteFile.write(target, ch -> write(stub, sections, ch));
  }

  /**
   * Writes the UKI to {@code out} from position 0 (the CheckSum is written last, back in the header); neither
   * truncates nor closes {@code out}. Returns the added sections' headers.
   */
  public static List<SectionHeader> write(Path stub, List<UkiSection> sections, SeekableByteChannel out)
      throws IOException, EfiImageException {
    PeImage image = PeImage.parse(stub.toString(), Files.readAllBytes(stub)).withoutTrailingSymbolTable();
    PeImage.DataDirectory cert = image.certificateTable();
    if (cert.isPresent()) {
      throw new EfiImageException(stub + ": the stub is signed (certificate table at " + PeImage.hex(cert.address())
          + ", " + cert.size() + " bytes); adding sections would break that signature. Use the unsigned stub and"
          + " sign the finished image instead");
    }
    checkNames(stub, image, sections);
    List<SectionHeader> added = layout(image, sections);
    long sizeOfInitializedData = image.sizeOfInitializedData();
    for (SectionHeader h : added) {
      sizeOfInitializedData += h.sizeOfRawData();
    }
    SectionHeader last = added.get(added.size() - 1);
    byte[] headers = image.withAddedSections(added, roundUp(last.virtualEnd(), image.sectionAlignment()),
        sizeOfInitializedData);

    PeChecksum checksum = new PeChecksum();
    int sectionDataEnd = Math.toIntExact(image.sectionDataEnd());
    out.position(0);
    put(out, checksum, ByteBuffer.wrap(headers, 0, sectionDataEnd));
    for (int i = 0; i < added.size(); i++) {
      SectionHeader h = added.get(i);
      put(out, checksum, ByteBuffer.allocate(Math.toIntExact(h.pointerToRawData() - out.position())));
      copy(sections.get(i), h.virtualSize(), out, checksum);
      put(out, checksum, ByteBuffer.allocate(Math.toIntExact(h.sizeOfRawData() - h.virtualSize())));
    }
    int trailing = headers.length - sectionDataEnd; // bytes of the stub no section holds
    if (trailing > 0) {
      // Padded like a section, so that the file still ends on FileAlignment (a signature's table must start on 8).
      put(out, checksum, ByteBuffer.wrap(headers, sectionDataEnd, trailing));
      put(out, checksum, ByteBuffer.allocate(Math.toIntExact(roundUp(trailing, image.fileAlignment()) - trailing)));
    }
    ByteBuffer sum = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, (int) checksum.value());
    out.position(image.checkSumOffset());
    writeFully(out, sum);
    return added;
  }

  private static void checkNames(Path stub, PeImage image, List<UkiSection> sections) throws EfiImageException {
    if (sections.isEmpty()) {
      throw new EfiImageException("no sections to add to " + stub);
    }
    List<String> names = new ArrayList<>();
    image.sections().forEach(s -> names.add(s.name()));
    int inStub = names.size();
    for (UkiSection s : sections) {
      String n = s.name();
      for (int i = 0; i < names.size(); i++) {
        String other = names.get(i);
        if (other.equals(n)) {
          throw new EfiImageException(i < inStub ? "section " + n + " is already in the stub " + stub
              : "section " + n + " is given twice");
        }
        if (other.startsWith(n) || n.startsWith(other)) {
          // The stub finds a section by comparing the first strlen(wanted) bytes of each name, the last match
          // winning, so one of the two would stand for the other.
          throw new EfiImageException("section names " + other + " and " + n + " overlap: systemd's stub matches"
              + " names by prefix and would take one for the other; rename one");
        }
      }
      names.add(n);
    }
  }

  private static List<SectionHeader> layout(PeImage image, List<UkiSection> sections)
      throws IOException, EfiImageException {
    long addressAlignment = Math.max(image.sectionAlignment(), MIN_SECTION_ADDRESS_ALIGNMENT);
    long memoryEnd = image.sizeOfImage();
    for (SectionHeader s : image.sections()) {
      memoryEnd = Math.max(memoryEnd, s.virtualEnd());
    }
    long fileEnd = image.sectionDataEnd();
    List<SectionHeader> added = new ArrayList<>();
    for (UkiSection s : sections) {
      long size = s.content().size();
      if (size == 0) {
        throw new EfiImageException("section " + s.name() + " is empty; leave it out instead");
      }
      long address = roundUp(memoryEnd, addressAlignment);
      long offset = roundUp(fileEnd, image.fileAlignment());
      long rawSize = roundUp(size, image.fileAlignment());
      if (address + size > PeImage.U32_MAX || offset + rawSize > PeImage.U32_MAX) {
        throw new EfiImageException("section " + s.name() + " (" + size + " bytes) would end beyond 4 GiB, the"
            + " limit of a PE image");
      }
      added.add(new SectionHeader(s.name(), size, address, rawSize, offset, SectionHeader.READ_ONLY_DATA));
      memoryEnd = address + size;
      fileEnd = offset + rawSize;
    }
    return added;
  }

  private static void copy(UkiSection s, long size, SeekableByteChannel out, PeChecksum checksum)
      throws IOException {
    long copied = 0;
    // Never empty, and a file that grew shows in a read past its expected end.
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(COPY_BUFFER, size + 1));
    try (ReadableByteChannel in = s.content().open()) {
      while (in.read(buf.clear()) >= 0) {
        copied += buf.flip().remaining();
        if (copied > size) {
          break;
        }
        put(out, checksum, buf);
      }
    }
    if (copied != size) {
      throw new IOException("section " + s.name() + ": " + s.content() + " changed while the image was written ("
          + size + " bytes expected, " + (copied > size ? "more" : copied) + " read)");
    }
  }

  private static void put(SeekableByteChannel out, PeChecksum checksum, ByteBuffer data) throws IOException {
    checksum.update(data.duplicate());
    writeFully(out, data);
  }

  private static void writeFully(SeekableByteChannel out, ByteBuffer data) throws IOException {
    while (data.hasRemaining()) {
      out.write(data);
    }
  }

  private static long roundUp(long v, long alignment) {
    return (v + alignment - 1) & -alignment;
  }
}

package io.cosbuild.rootfs.efi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.rootfs.testutil.FsJudges;
import io.cosbuild.rootfs.testutil.RealDebs;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A UKI made from Debian bookworm's real stub ({@code systemd-boot-efi}, fetched with {@code apt-get download}),
 * judged by the reference tools: binutils' objdump and objcopy, LLVM's llvm-readobj and osslsigncode. The expected
 * layout is worked out here from what objdump says about the stub, following the rule in {@link UkiBuilder}.
 */
class UkiBuilderIT {

  static final String OSREL = "ID=cosbuild\nNAME=cosbuild\nVERSION_ID=1\n";
  static final String CMDLINE = "console=ttyS0,115200 cosbuild.root=ROOT-A panic=10";
  static final String DATA_FLAGS = "CONTENTS, ALLOC, LOAD, READONLY, DATA";

  @TempDir static Path dir;
  static Path stub;
  static Path linux;
  static Path initrd;
  static Path uki;
  static List<SectionHeader> returned;
  static String unavailable;

  /** Debian's amd64 stub extracted under a directory, or why it could not be fetched. */
  record RealStub(Path path, String unavailable) {}

  /**
   * Fetches {@code systemd-boot-efi} and extracts its amd64 stub into {@code into}; when it cannot be fetched,
   * says so loudly, naming {@code test} as skipped, and gives the reason instead.
   */
  static RealStub realStub(Path into, String test) throws Exception {
    Path deb;
    try {
      deb = RealDebs.fetch(List.of("systemd-boot-efi")).get(0);
    } catch (IOException e) {
      String why = "cannot fetch systemd-boot-efi (no network or apt sources?): " + e.getMessage();
      System.err.println("!!!!! SKIPPING " + test + ": " + why);
      return new RealStub(null, why);
    }
    FsJudges.Out x = FsJudges.run("dpkg-deb", "-x", deb.toString(), into.resolve("deb").toString());
    assertEquals(0, x.code(), x.text());
    Path found = into.resolve("deb/usr/lib/systemd/boot/efi/linuxx64.efi.stub");
    assertTrue(Files.isRegularFile(found), deb + " has no amd64 stub");
    return new RealStub(found, null);
  }

  @BeforeAll
  static void buildFromTheRealStub() throws Exception {
    RealStub real = realStub(dir, "UkiBuilderIT");
    unavailable = real.unavailable();
    if (unavailable != null) {
      return;
    }
    stub = real.path();
    // A stand-in kernel of 14 MiB and an initramfs whose size is no multiple of 512.
    linux = random(dir.resolve("linux"), 14 << 20, 1);
    initrd = random(dir.resolve("initrd"), (3 << 20) + 4321, 2);
    uki = dir.resolve("uki.efi");
    List<UkiSection> sections = List.of(UkiSection.text(".osrel", OSREL), UkiSection.text(".cmdline", CMDLINE),
        UkiSection.file(".linux", linux), UkiSection.file(".initrd", initrd));
    returned = UkiBuilder.writeFile(stub, sections, uki);
  }

  /** Each test is reported skipped, not the class silently empty, when the stub could not be fetched. */
  @BeforeEach
  void requireTheStub() {
    Assumptions.assumeTrue(unavailable == null, unavailable);
  }

  static Path random(Path p, int size, long seed) throws IOException {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return Files.write(p, b);
  }

  /** A section as {@code objdump -h} lists it. */
  record Listed(String name, long size, long vma, long fileOffset, String flags) {}

  /** The added sections where {@link UkiBuilder}'s rule puts them, from objdump's view of the stub. */
  static List<Listed> expectedAdded() throws Exception {
    Map<String, Long> p = objdumpP(stub);
    long fileAlign = p.get("FileAlignment");
    long addressAlign = Math.max(4096, p.get("SectionAlignment"));
    long vma = p.get("SizeOfImage");
    for (Listed s : objdumpH(stub)) {
      vma = Math.max(vma, s.vma() + s.size());
    }
    // ukify's rule: a symbol table (and the string table after it) that ends the stub is dropped, and the added
    // sections start where it began.
    Map<String, Long> coff = llvmFileHeader(stub);
    long off = Files.size(stub);
    long symbols = coff.getOrDefault("PointerToSymbolTable", 0L);
    if (symbols != 0 && symbols + 18 * coff.get("SymbolCount") + coff.getOrDefault("StringTableSize", 0L) == off) {
      off = symbols;
    }
    List<Listed> out = new ArrayList<>();
    String[] names = {".osrel", ".cmdline", ".linux", ".initrd"};
    long[] sizes = {OSREL.length(), CMDLINE.length(), Files.size(linux), Files.size(initrd)};
    for (int i = 0; i < names.length; i++) {
      vma = roundUp(vma, addressAlign);
      off = roundUp(off, fileAlign);
      out.add(new Listed(names[i], sizes[i], vma, off, DATA_FLAGS));
      vma += sizes[i];
      off += roundUp(sizes[i], fileAlign);
    }
    return out;
  }

  @Test
  void objdumpListsTheStubsSectionsUnchangedThenTheAddedOnesWhereTheRulePutsThem() throws Exception {
    List<Listed> stubs = objdumpH(stub);
    List<Listed> all = objdumpH(uki);
    List<Listed> want = expectedAdded();
    assertEquals(stubs, all.subList(0, stubs.size()));
    assertEquals(want, all.subList(stubs.size(), all.size()));
    for (int i = 0; i < want.size(); i++) {
      Listed w = want.get(i);
      assertEquals(List.of(w.name(), w.size(), w.vma(), w.fileOffset()), List.of(returned.get(i).name(),
          returned.get(i).virtualSize(), returned.get(i).virtualAddress(), returned.get(i).pointerToRawData()));
    }
    assertEquals(0, want.get(2).vma() % 4096, ".linux starts on a page");
    assertEquals(0, want.get(3).vma() % 4096, ".initrd starts on a page");
  }

  @Test
  void objdumpSeesTheStubsHeaderWithSizeOfImageSizeOfInitializedDataAndCheckSumUpdated() throws Exception {
    Map<String, Long> before = objdumpP(stub);
    Map<String, Long> after = objdumpP(uki);
    Listed last = expectedAdded().get(3);
    assertEquals(roundUp(last.vma() + last.size(), before.get("SectionAlignment")), after.get("SizeOfImage"));
    Path reference = objcopyReference();
    assertEquals(objdumpP(reference).get("SizeOfInitializedData"), after.get("SizeOfInitializedData"),
        "SizeOfInitializedData grows as objcopy grows it");
    for (String field : List.of("SizeOfImage", "SizeOfInitializedData", "CheckSum")) {
      before.remove(field);
      after.remove(field);
    }
    assertEquals(before, after);
  }

  @Test
  void objcopyExtractsEachAddedSectionAsGivenAndEachOfTheStubsUnchanged() throws Exception {
    Files.writeString(dir.resolve("osrel"), OSREL);
    Files.writeString(dir.resolve("cmdline"), CMDLINE);
    Map<String, Path> given = Map.of(".osrel", dir.resolve("osrel"), ".cmdline", dir.resolve("cmdline"),
        ".linux", linux, ".initrd", initrd);
    for (Map.Entry<String, Path> e : given.entrySet()) {
      assertEquals(-1L, Files.mismatch(extract(uki, e.getKey()), e.getValue()), e.getKey());
    }
    for (Listed s : objdumpH(stub)) {
      assertEquals(-1L, Files.mismatch(extract(uki, s.name()), extract(stub, s.name())), s.name());
    }
  }

  @Test
  void llvmReadobjReadsTheRawSizesAndCharacteristics() throws Exception {
    requireTool("llvm-readobj", "--version");
    FsJudges.Out r = FsJudges.run("llvm-readobj", "--file-headers", "--sections", uki.toString());
    assertEquals(0, r.code(), r.text());
    Map<String, Map<String, String>> sections = new HashMap<>();
    Map<String, String> cur = null;
    Pattern field = Pattern.compile("^\\s+(\\w+):? (?:\\[ \\()?([^ )]+)\\)?.*$");
    for (String l : r.text().split("\n")) {
      Matcher m = field.matcher(l);
      if (!m.matches()) {
        continue;
      }
      if (m.group(1).equals("Name")) {
        cur = new HashMap<>();
        sections.put(m.group(2), cur);
      } else if (cur != null) {
        cur.put(m.group(1), m.group(2));
      }
    }
    long fileAlign = objdumpP(stub).get("FileAlignment");
    int stubCount = objdumpH(stub).size();
    assertTrue(r.text().contains("SectionCount: " + (stubCount + 4)), r.text());
    long stubEnd = 0;
    for (Listed s : objdumpH(stub)) {
      Map<String, String> h = sections.get(s.name());
      stubEnd = Math.max(stubEnd, Long.decode(h.get("PointerToRawData")) + Long.decode(h.get("RawDataSize")));
    }
    assertEquals(stubEnd, expectedAdded().get(0).fileOffset(), "the added sections follow the stub's with no gap");
    for (Listed w : expectedAdded()) {
      Map<String, String> s = sections.get(w.name());
      assertTrue(s != null, "llvm-readobj lists " + w.name());
      assertEquals(w.size(), Long.decode(s.get("VirtualSize")), w.name());
      assertEquals(roundUp(w.size(), fileAlign), Long.decode(s.get("RawDataSize")), w.name());
      assertEquals(w.fileOffset(), Long.decode(s.get("PointerToRawData")), w.name());
      assertEquals("0x40000040", s.get("Characteristics"), w.name());
    }
  }

  /** The stub's symbol table is gone from the image, as llvm-readobj and objdump see it. */
  @Test
  void theImageHasNoSymbolTable() throws Exception {
    Map<String, Long> before = llvmFileHeader(stub);
    Map<String, Long> after = llvmFileHeader(uki);
    assertTrue(before.get("PointerToSymbolTable") != 0, "the test wants a stub with a symbol table: " + before);
    assertEquals(0L, after.get("PointerToSymbolTable"));
    assertEquals(0L, after.get("SymbolCount"));
    assertEquals(before.get("Characteristics") | 0x8, after.get("Characteristics"), "IMAGE_FILE_LOCAL_SYMS_STRIPPED");
    FsJudges.Out f = FsJudges.run("objdump", "-f", uki.toString());
    assertEquals(0, f.code(), f.text());
    assertFalse(f.text().contains("HAS_SYMS"), f.text());
  }

  @Test
  void osslsigncodeCalculatesTheCheckSumObjdumpReports() throws Exception {
    requireTool("osslsigncode", "--version");
    long reported = objdumpP(uki).get("CheckSum");
    long[] seen = osslsigncodeChecksums(uki);
    assertEquals(reported, seen[0], "the CheckSum field as osslsigncode reads it");
    assertEquals(reported, seen[1], "the checksum osslsigncode computes");
    // The judge can tell: one byte changed in .initrd's padding at the end of the file.
    Path broken = Files.copy(uki, dir.resolve("broken.efi"));
    byte[] last = Files.readAllBytes(broken);
    last[last.length - 1] ^= 1;
    Files.write(broken, last);
    long[] brokenSeen = osslsigncodeChecksums(broken);
    assertNotEquals(brokenSeen[0], brokenSeen[1]);
  }

  @Test
  void theSameInputsGiveTheSameBytes() throws Exception {
    Path cmdlineFile = Files.writeString(dir.resolve("cmdline-again"), CMDLINE);
    Path again = dir.resolve("again.efi");
    try (FileChannel ch = FileChannel.open(again, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      UkiBuilder.write(stub, List.of(UkiSection.bytes(".osrel", OSREL.getBytes(StandardCharsets.UTF_8)),
          UkiSection.file(".cmdline", cmdlineFile), UkiSection.file(".linux", linux),
          UkiSection.file(".initrd", initrd)), ch);
    }
    assertEquals(-1L, Files.mismatch(uki, again));
  }

  // ---- the tools ----------------------------------------------------------------------------------------------

  private static final Pattern OBJDUMP_H = Pattern.compile(
      "^\\s*\\d+ (\\S+)\\s+([0-9a-f]+)\\s+([0-9a-f]+)\\s+[0-9a-f]+\\s+([0-9a-f]+)\\s+2\\*\\*\\d+$");

  /** {@code objdump -h}: the sections in table order. */
  static List<Listed> objdumpH(Path file) throws Exception {
    FsJudges.Out r = FsJudges.run("objdump", "-h", file.toString());
    assertEquals(0, r.code(), r.text());
    String[] lines = r.text().split("\n");
    List<Listed> out = new ArrayList<>();
    for (int i = 0; i + 1 < lines.length; i++) {
      Matcher m = OBJDUMP_H.matcher(lines[i]);
      if (m.matches()) {
        out.add(new Listed(m.group(1), Long.parseLong(m.group(2), 16), Long.parseLong(m.group(3), 16),
            Long.parseLong(m.group(4), 16), lines[i + 1].trim()));
      }
    }
    return out;
  }

  /** {@code objdump -p}: the optional header's fields (all printed in hex) and the data directories. */
  static Map<String, Long> objdumpP(Path file) throws Exception {
    FsJudges.Out r = FsJudges.run("objdump", "-p", file.toString());
    assertEquals(0, r.code(), r.text());
    Map<String, Long> out = new HashMap<>();
    Matcher m = Pattern.compile("(?m)^(\\w+)\\s+([0-9a-f]+)\\b").matcher(r.text());
    while (m.find()) {
      out.put(m.group(1), Long.parseLong(m.group(2), 16));
    }
    Matcher dir = Pattern.compile("(?m)^Entry (\\w) ([0-9a-f]+) ([0-9a-f]+) ").matcher(r.text());
    while (dir.find()) {
      out.put("Entry" + dir.group(1), Long.parseLong(dir.group(2), 16) << 32 | Long.parseLong(dir.group(3), 16));
    }
    assertTrue(out.containsKey("SizeOfImage") && out.containsKey("Entry4"), r.text());
    return out;
  }

  /** {@code llvm-readobj --file-headers}: PointerToSymbolTable, SymbolCount, StringTableSize, Characteristics. */
  static Map<String, Long> llvmFileHeader(Path file) throws Exception {
    requireTool("llvm-readobj", "--version");
    FsJudges.Out r = FsJudges.run("llvm-readobj", "--file-headers", file.toString());
    assertEquals(0, r.code(), r.text());
    Map<String, Long> out = new HashMap<>();
    Matcher m = Pattern.compile("(?m)^\\s+(PointerToSymbolTable|SymbolCount|StringTableSize|Characteristics):? "
        + "(?:\\[ \\()?(0x[0-9A-Fa-f]+|\\d+)").matcher(r.text());
    while (m.find()) {
      out.putIfAbsent(m.group(1), Long.decode(m.group(2))); // the file header's, not the optional header's DLL ones
    }
    assertTrue(out.containsKey("PointerToSymbolTable") && out.containsKey("Characteristics"), r.text());
    return out;
  }

  static Path extract(Path file, String section) throws Exception {
    Path out = Files.createTempFile(dir, "section", ".bin");
    FsJudges.Out r = FsJudges.run("objcopy", "-O", "binary", "--only-section=" + section, file.toString(),
        out.toString());
    assertEquals(0, r.code(), r.text());
    return out;
  }

  /** The same sections added by objcopy at the fixed addresses systemd's documentation used before ukify. */
  static Path objcopyReference() throws Exception {
    Path ref = dir.resolve("objcopy.efi");
    FsJudges.Out r = FsJudges.run("objcopy",
        "--add-section", ".osrel=" + Files.writeString(dir.resolve("ref-osrel"), OSREL),
        "--change-section-vma", ".osrel=0x20000",
        "--add-section", ".cmdline=" + Files.writeString(dir.resolve("ref-cmdline"), CMDLINE),
        "--change-section-vma", ".cmdline=0x30000",
        "--add-section", ".linux=" + linux, "--change-section-vma", ".linux=0x2000000",
        "--add-section", ".initrd=" + initrd, "--change-section-vma", ".initrd=0x3000000",
        stub.toString(), ref.toString());
    assertEquals(0, r.code(), r.text());
    return ref;
  }

  /**
   * {@code osslsigncode verify}: {the CheckSum field, the checksum it computes}. It prints one "PE checksum" line
   * when they agree and a "Current" and a "Calculated" line when not. (It drops an odd last byte from its sum, so it
   * is a fair judge only of files of even length, which a UKI is: it ends on FileAlignment.)
   */
  static long[] osslsigncodeChecksums(Path file) throws Exception {
    assertEquals(0, Files.size(file) % 2);
    FsJudges.Out r = FsJudges.run("osslsigncode", "verify", "-in", file.toString());
    Matcher same = Pattern.compile("(?m)^PE checksum\\s*: ([0-9A-F]{8})$").matcher(r.text());
    if (same.find()) {
      long v = Long.parseLong(same.group(1), 16);
      return new long[] {v, v};
    }
    Matcher cur = Pattern.compile("(?m)^Current PE checksum\\s*: ([0-9A-F]{8})$").matcher(r.text());
    Matcher calc = Pattern.compile("(?m)^Calculated PE checksum\\s*: ([0-9A-F]{8})$").matcher(r.text());
    assertTrue(cur.find() && calc.find(), r.text());
    return new long[] {Long.parseLong(cur.group(1), 16), Long.parseLong(calc.group(1), 16)};
  }

  static void requireTool(String... probe) throws Exception {
    try {
      FsJudges.run(probe);
    } catch (IOException e) {
      System.err.println("!!!!! SKIPPING: " + probe[0] + " is not installed");
      Assumptions.abort(probe[0] + " is not installed");
    }
  }

  static long roundUp(long v, long alignment) {
    return (v + alignment - 1) / alignment * alignment;
  }
}

package io.cosbuild.cli.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.cli.BuildFailure;
import io.cosbuild.spec.model.Architecture;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnifiedKernelImageTest {

  @TempDir Path dir;

  @Test
  void osReleaseValuesEscapeWhatItsQuotesWouldOtherwiseEnd() {
    assertEquals("gke-\\\"prod\\\" \\$HOME \\`x\\` a\\\\b", UnifiedKernelImage.osReleaseQuoted("gke-\"prod\" $HOME `x` a\\b"));
    assertEquals("plain-name", UnifiedKernelImage.osReleaseQuoted("plain-name"));
  }

  @Test
  void theStubAndTheFileFirmwareStartsArePerArchitecture() {
    assertEquals("/usr/lib/systemd/boot/efi/linuxx64.efi.stub", UnifiedKernelImage.stubPath(Architecture.X86_64).toString());
    assertEquals("BOOTX64.EFI", UnifiedKernelImage.defaultBootFile(Architecture.X86_64));
    assertEquals("/usr/lib/systemd/boot/efi/linuxaa64.efi.stub", UnifiedKernelImage.stubPath(Architecture.ARM64).toString());
    assertEquals("BOOTAA64.EFI", UnifiedKernelImage.defaultBootFile(Architecture.ARM64));
  }

  /** The first bytes of an arm64 Image with the EFI stub: "MZ", and "ARM\x64" at 0x38. */
  static byte[] arm64Image() {
    byte[] b = new byte[0x2000];
    Arrays.fill(b, (byte) 0x5a);
    b[0] = 'M';
    b[1] = 'Z';
    System.arraycopy(new byte[] {'A', 'R', 'M', 0x64}, 0, b, 0x38, 4);
    return b;
  }

  @Test
  void anArm64ImageIsTakenAsItIs() throws Exception {
    Path vmlinuz = Files.write(dir.resolve("vmlinuz"), arm64Image());
    Path scratch = dir.resolve("scratch");
    assertEquals(vmlinuz, UnifiedKernelImage.arm64Image(vmlinuz, scratch));
    assertFalse(Files.exists(scratch));
  }

  @Test
  void aGzippedArm64ImageIsInflatedForTheStub() throws Exception {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream o = new GZIPOutputStream(gz)) {
      o.write(arm64Image());
    }
    Path vmlinuz = Files.write(dir.resolve("vmlinuz"), gz.toByteArray());
    Path scratch = dir.resolve("scratch");
    assertEquals(scratch, UnifiedKernelImage.arm64Image(vmlinuz, scratch));
    assertArrayEquals(arm64Image(), Files.readAllBytes(scratch));
  }

  @Test
  void whatTheStubCannotStartIsRefusedNamingTheKernel() throws Exception {
    byte[] gzipped;
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream o = new GZIPOutputStream(gz)) {
      o.write(arm64Image());
    }
    gzipped = gz.toByteArray();
    Path truncated = Files.write(dir.resolve("vmlinuz-truncated"), Arrays.copyOf(gzipped, gzipped.length / 2));
    BuildFailure t = assertThrows(BuildFailure.class, () -> UnifiedKernelImage.arm64Image(truncated, dir.resolve("s1")));
    assertTrue(t.getMessage().contains("vmlinuz-truncated is gzip data that does not inflate"), t.getMessage());
    byte[] noMagic = arm64Image();
    noMagic[0x38] = 'X';
    Path plain = Files.write(dir.resolve("vmlinuz-plain"), noMagic);
    BuildFailure p = assertThrows(BuildFailure.class, () -> UnifiedKernelImage.arm64Image(plain, dir.resolve("s2")));
    assertTrue(p.getMessage().contains("vmlinuz-plain is not an EFI-bootable Image"), p.getMessage());
    Path tiny = Files.write(dir.resolve("vmlinuz-tiny"), new byte[] {'M', 'Z'});
    assertThrows(BuildFailure.class, () -> UnifiedKernelImage.arm64Image(tiny, dir.resolve("s3")));
  }
}

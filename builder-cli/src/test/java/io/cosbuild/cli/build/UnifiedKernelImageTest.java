package io.cosbuild.cli.build;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cosbuild.spec.model.Architecture;
import org.junit.jupiter.api.Test;

class UnifiedKernelImageTest {

  @Test
  void osReleaseValuesEscapeWhatItsQuotesWouldOtherwiseEnd() {
    assertEquals("gke-\\\"prod\\\" \\$HOME \\`x\\` a\\\\b", UnifiedKernelImage.osReleaseQuoted("gke-\"prod\" $HOME `x` a\\b"));
    assertEquals("plain-name", UnifiedKernelImage.osReleaseQuoted("plain-name"));
  }

  @Test
  void theStubAndTheFileFirmwareStartsArePerArchitecture() {
    assertEquals("/usr/lib/systemd/boot/efi/linuxx64.efi.stub", UnifiedKernelImage.stubPath(Architecture.X86_64).toString());
    assertEquals("BOOTX64.EFI", UnifiedKernelImage.defaultBootFile(Architecture.X86_64));
  }
}

package io.cosbuild.e2e;

import static io.cosbuild.e2e.Tools.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link FirmwareBootChecks} on x86_64, booted by OVMF; binutils also reads the image's sections back. */
class FirmwareBootIT extends FirmwareBootChecks {

  @Override
  String arch() {
    return "x86_64";
  }

  @Override
  String bootFile() {
    return "BOOTX64.EFI";
  }

  @Override
  String machine() {
    return "IMAGE_FILE_MACHINE_AMD64";
  }

  @Test
  void objcopyExtractsTheKernelInitramfsAndCommandLine() throws Exception {
    Path boot = bootFileOnTheEsp();
    String sections = ok("objdump", "-h", boot.toString());
    for (Map.Entry<String, byte[]> e : Map.of(".linux", Files.readAllBytes(out.resolve("vmlinuz")),
        ".initrd", Files.readAllBytes(out.resolve("initrd.img")),
        ".cmdline", manifest.get("kernelCommandLine").asText().getBytes(StandardCharsets.UTF_8)).entrySet()) {
      assertTrue(sections.contains(" " + e.getKey() + " "), sections);
      Path got = work.resolve("section" + e.getKey());
      ok("objcopy", "-O", "binary", "--only-section=" + e.getKey(), boot.toString(), got.toString());
      assertArrayEquals(e.getValue(), Files.readAllBytes(got), e.getKey());
    }
  }
}

package io.cosbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootCommandTest {

  @TempDir Path dir;

  @Test
  void bootOfADirectoryWithoutTheOutputFilesIsAUsageError() throws Exception {
    Files.writeString(dir.resolve("disk.raw"), "");
    MainTest.Result r = MainTest.run("boot", dir.toString(), "--expect", "x");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("vmlinuz is missing"), r.err());
    MainTest.Result a = MainTest.run("boot", dir.toString(), "--accel", "hvf");
    assertEquals(2, a.code());
    assertTrue(a.err().contains("--accel must be auto, kvm or tcg"), a.err());
  }

  @Test
  void aMissingExtraDiskIsAUsageErrorNamingIt() throws Exception {
    for (String f : new String[] {"disk.raw", "vmlinuz", "initrd.img"}) {
      Files.writeString(dir.resolve(f), "");
    }
    Files.writeString(dir.resolve("manifest.json"), "{\"arch\":\"x86_64\",\"kernelCommandLine\":\"console=ttyS0\"}");
    Path missing = dir.resolve("data.raw");
    MainTest.Result r = MainTest.run("boot", dir.toString(), "--disk", missing.toString(), "--expect", "x");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--disk " + missing + " is missing"), r.err());
  }

  @Test
  void targetTakesTheManifestsCommandLineAndArchPlusAppendedWords() throws Exception {
    for (String f : new String[] {"disk.raw", "vmlinuz", "initrd.img"}) {
      Files.writeString(dir.resolve(f), "");
    }
    Files.writeString(dir.resolve("manifest.json"), "{\"arch\":\"arm64\",\"kernelCommandLine\":\"console=ttyAMA0,115200 a=1\"}");
    var t = BootCommand.target(dir, null, java.util.List.of("cosbuild.selftest=1"), 512, true);
    assertEquals("arm64", t.arch().id());
    assertEquals("console=ttyAMA0,115200 a=1 cosbuild.selftest=1", t.cmdline());
    assertEquals(dir.resolve("vmlinuz"), t.kernel());
  }

  /** An output directory whose files are empty, with this manifest. */
  private Path output(String manifest) throws Exception {
    for (String f : new String[] {"disk.raw", "vmlinuz", "initrd.img"}) {
      Files.writeString(dir.resolve(f), "");
    }
    Files.writeString(dir.resolve("manifest.json"), manifest);
    return dir;
  }

  private static void assertUsageError(String message, String... args) {
    MainTest.Result r = MainTest.run(args);
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(message), r.err());
  }

  @Test
  void anEmptyExpectOrANonPositiveTimeoutIsAUsageError() throws Exception {
    String d = output("{\"arch\":\"x86_64\",\"kernelCommandLine\":\"console=ttyS0\"}").toString();
    assertUsageError("--expect needs a text to wait for", "boot", d, "--expect", "");
    assertUsageError("--expect needs a text to wait for", "boot", d, "--expect", " ");
    assertUsageError("--timeout must be a positive number of seconds, not 0", "boot", d, "--expect", "x", "--timeout", "0");
    assertUsageError("--timeout must be a positive number of seconds, not -5", "boot", d, "--timeout", "-5");
    assertUsageError("--network must be none or user, not bridge", "boot", d, "--network", "bridge");
  }

  @Test
  void theManifestMustBeJsonWithAnArchThatArchAgreesWith() throws Exception {
    Path m = dir.resolve("manifest.json");
    output("not json");
    assertUsageError(m + " is not valid JSON", "boot", dir.toString(), "--expect", "x");
    output("[1]");
    assertUsageError(m + " is not a JSON object", "boot", dir.toString(), "--expect", "x");
    output("{\"kernelCommandLine\":\"console=ttyS0\"}");
    assertUsageError(m + " has no arch; say which with --arch", "boot", dir.toString(), "--expect", "x");
    output("{\"arch\":\"sparc\",\"kernelCommandLine\":\"console=ttyS0\"}");
    assertUsageError(m + ": unknown architecture 'sparc'", "boot", dir.toString(), "--expect", "x");
    output("{\"arch\":\"x86_64\",\"kernelCommandLine\":\"console=ttyS0\"}");
    assertUsageError("--arch arm64 disagrees with " + m + ": the image is built for x86_64", "boot", dir.toString(),
        "--arch", "arm64", "--expect", "x");
  }

  @Test
  void disksMustBeRawRegularFilesAttachedOnce() throws Exception {
    output("{\"arch\":\"x86_64\",\"kernelCommandLine\":\"console=ttyS0\"}");
    Path disk = dir.resolve("disk.raw");
    Path data = Files.writeString(dir.resolve("data.raw"), "");
    Files.createDirectories(dir.resolve("x"));
    assertUsageError("--disk " + disk + " is the image's own disk", "boot", dir.toString(), "--disk", disk.toString());
    Path again = dir.resolve("x/../data.raw");
    assertUsageError("--disk " + again + " is given twice", "boot", dir.toString(), "--disk", data.toString(),
        "--disk", again.toString());
    Path qcow2 = Files.write(dir.resolve("data.qcow2"), new byte[] {'Q', 'F', 'I', (byte) 0xfb, 0, 0, 0, 3});
    assertUsageError("--disk " + qcow2 + " is a qcow2 image, not a raw disk", "boot", dir.toString(), "--disk",
        qcow2.toString());
    Files.copy(qcow2, disk, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertUsageError(disk + " is a qcow2 image", "boot", dir.toString(), "--expect", "x");
    Files.delete(disk);
    Files.createDirectory(disk);
    assertUsageError(disk + " is not a regular file", "boot", dir.toString(), "--expect", "x");
  }

  @Test
  void appendedWordsMustEachBeOneKernelParameter() throws Exception {
    String d = output("{\"arch\":\"x86_64\",\"kernelCommandLine\":\"console=ttyS0\"}").toString();
    assertUsageError("is several kernel parameters", "boot", d, "--append", "a b", "--expect", "x");
    assertUsageError("unpaired double quote", "boot", d, "--append", "x=\"", "--expect", "x");
    assertUsageError("control character (U+000A)", "boot", d, "--append", "a\nb", "--expect", "x");
  }

  @Test
  void aLogThatCannotBeOpenedIsAUsageErrorNamingIt() throws Exception {
    String d = output("{\"arch\":\"x86_64\",\"kernelCommandLine\":\"console=ttyS0\"}").toString();
    assertUsageError("--log " + dir + ": Is a directory", "boot", d, "--log", dir.toString(), "--expect", "x");
    assertUsageError("--log " + dir.resolve("no/such") + ": no such file or directory", "boot", d, "--log",
        dir.resolve("no/such").toString(), "--expect", "x");
  }

  @Test
  void firmwareBootNeedsAUnifiedKernelImageAndSecureBootVarsNeedSecureBoot() throws Exception {
    String d = output("{\"arch\":\"x86_64\",\"kernelCommandLine\":\"console=ttyS0\"}").toString();
    Path vars = Files.writeString(dir.resolve("vars.fd"), "");
    assertUsageError("--uefi-vars is for --secure-boot", "boot", d, "--uefi", "--uefi-vars", vars.toString());
    assertUsageError("--append cannot be used with --uefi", "boot", d, "--secure-boot", "--append", "x=1");
    assertUsageError("the image's ESP holds no unified kernel image", "boot", d, "--secure-boot", "--expect", "x");
    assertUsageError("the image's ESP holds no unified kernel image", "boot", d, "--uefi", "--expect", "x");
  }
}

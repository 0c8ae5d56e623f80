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
    assertTrue(r.err().contains("--disk " + missing + " is not a file"), r.err());
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
}

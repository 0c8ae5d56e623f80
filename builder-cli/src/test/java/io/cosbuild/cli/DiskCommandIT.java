package io.cosbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cosbuild disk inspect} on what the reference tools make: exit 0 for a table sgdisk finds no problem in,
 * 2 with the reason for a qcow2 image (qemu-img) and, run as nobody from the packaged jar, for a file that user
 * may not read.
 */
class DiskCommandIT {
  @TempDir
  Path dir;

  record Run(int code, String out, String err) {}

  private Run exec(List<String> cmd) throws IOException, InterruptedException {
    Path out = Files.createTempFile("out", ".txt");
    Path err = Files.createTempFile("err", ".txt");
    try {
      Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), cmd + " did not finish");
      return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.delete(out);
      Files.delete(err);
    }
  }

  private Path sgdisk(String name, String... args) throws Exception {
    Path disk = dir.resolve(name);
    try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
      f.setLength(20 << 20);
    }
    List<String> cmd = Stream.concat(Stream.concat(Stream.of("sgdisk"), Stream.of(args)), Stream.of(disk.toString()))
        .toList();
    assertEquals(0, exec(cmd).code(), cmd.toString());
    return disk;
  }

  @Test
  void a256EntryTableSgdiskFindsNoProblemInExitsZero() throws Exception {
    Path disk = sgdisk("s.raw", "-S", "256", "-n", "1:2048:+4M", "-n", "200:0:+4M");
    assertTrue(exec(List.of("sgdisk", "-v", disk.toString())).out().contains("No problems found"));
    DiskCommandTest.Result r = DiskCommandTest.run("inspect", disk.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("200 ")), r.out());
  }

  @Test
  void aQcow2ImageIsAnInputError() throws Exception {
    Path raw = sgdisk("g.raw", "-n", "1:2048:+4M");
    Path qcow2 = dir.resolve("g.qcow2");
    assertEquals(0, exec(List.of("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(),
        qcow2.toString())).code());
    DiskCommandTest.Result r = DiskCommandTest.run("inspect", qcow2.toString());
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().contains(qcow2 + " is a qcow2 image") && r.err().contains("qemu-img convert -O raw"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void aFileTheUserMayNotReadSaysPermissionDenied() throws Exception {
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run as nobody");
    Assumptions.assumeTrue(exec(List.of("runuser", "-u", "nobody", "--", "true")).code() == 0, "no runuser");
    // nobody reads no class path under /root: the packaged jar it is, made before failsafe runs this.
    Path jar = Path.of("target/cosbuild.jar").toAbsolutePath();
    Assumptions.assumeTrue(Files.isRegularFile(jar), "no " + jar + " yet (mvn package makes it)");
    Path disk = sgdisk("secret.raw", "-n", "1:2048:+4M");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(disk, PosixFilePermissions.fromString("rw-------"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Run r = exec(List.of("runuser", "-u", "nobody", "--", java, "-jar", jar.toString(), "disk", "inspect",
        disk.toString()));
    Assumptions.assumeFalse(r.err().contains("Unable to access jarfile"), "nobody cannot read the jar: " + r.err());
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("cannot read " + disk + ": permission denied"), r.err());
  }
}

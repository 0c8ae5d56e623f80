package io.cosbuild.cli.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagingDirectoryTest {

  @TempDir Path out;

  @Test
  void commitMovesTheNamedFilesAndCloseLeavesNothingElse() throws Exception {
    try (StagingDirectory s = StagingDirectory.create(out)) {
      Files.writeString(s.file("disk.raw"), "disk");
      Files.writeString(s.file("scratch"), "tmp");
      s.commit(List.of("disk.raw"));
    }
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(List.of(out.resolve("disk.raw")), files.toList());
    }
    assertEquals("disk", Files.readString(out.resolve("disk.raw")));
  }

  @Test
  void aNarrowerBuildRemovesTheKnownOutputsItDidNotWriteAndNothingElse() throws Exception {
    Files.writeString(out.resolve("disk.qcow2"), "an earlier build's");
    Files.writeString(out.resolve("notes.txt"), "the user's");
    try (StagingDirectory s = StagingDirectory.create(out)) {
      Files.writeString(s.file("disk.raw"), "disk");
      s.commit(List.of("disk.raw"), ImageBuilder.OUTPUTS);
    }
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(List.of("disk.raw", "notes.txt"), files.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  /** Run in a child JVM by the test below: opens a staging directory, fills it, and waits to be killed. */
  public static void main(String[] args) throws Exception {
    StagingDirectory s = StagingDirectory.create(Path.of(args[0]));
    Files.write(s.file("disk.raw"), new byte[1 << 20]);
    Files.createDirectories(s.directory().resolve("blobs/ab"));
    Files.writeString(s.directory().resolve("blobs/ab/cdef"), "blob");
    System.out.println(s.directory());
    System.out.flush();
    Thread.sleep(60_000);
  }

  @Test
  void aBuildStoppedBySigtermLeavesNoStagingDirectory() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), StagingDirectoryTest.class.getName(),
        out.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String staging;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      staging = r.readLine();
      assertTrue(staging != null && Files.isDirectory(Path.of(staging)), "child did not start: " + staging);
      p.destroy(); // SIGTERM, as a CI timeout or `kill` sends
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "child did not stop");
    }
    assertFalse(Files.exists(Path.of(staging)), "staging directory left behind");
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(List.of(), files.toList());
    }
  }
}

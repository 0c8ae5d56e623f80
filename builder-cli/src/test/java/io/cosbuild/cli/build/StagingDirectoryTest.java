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

  @Test
  void aFailedBuildRemovesTheOutputDirectoriesItMadeAndNothingElse() throws Exception {
    Path target = out.resolve("nightly/amd64");
    try (StagingDirectory s = StagingDirectory.create(target)) {
      Files.writeString(s.file("disk.raw"), "half a disk");
    } // no commit: the build failed
    assertFalse(Files.exists(out.resolve("nightly")), "a failed build left the directories it made");
    assertTrue(Files.isDirectory(out), "a directory that existed before the build was removed");
  }

  @Test
  void aFailedBuildKeepsItsNewOutputDirectoryWhenSomethingElseIsInIt() throws Exception {
    Path target = out.resolve("nightly");
    try (StagingDirectory s = StagingDirectory.create(target)) {
      Files.writeString(s.file("disk.raw"), "half a disk");
      Files.writeString(target.resolve("notes.txt"), "written meanwhile");
    }
    try (Stream<Path> files = Files.list(target)) {
      assertEquals(List.of(target.resolve("notes.txt")), files.toList());
    }
  }

  @Test
  void aSuccessfulBuildKeepsTheOutputDirectoryItMade() throws Exception {
    Path target = out.resolve("nightly");
    try (StagingDirectory s = StagingDirectory.create(target)) {
      Files.writeString(s.file("disk.raw"), "disk");
      s.commit(List.of("disk.raw"));
    }
    assertEquals("disk", Files.readString(target.resolve("disk.raw")));
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

  /** A child JVM running {@link #main}, and the staging directory it printed. */
  private record Child(Process process, Path staging) {}

  private Child child() throws Exception {
    return child(out);
  }

  private Child child(Path target) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), StagingDirectoryTest.class.getName(),
        target.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String staging = r.readLine();
    assertTrue(staging != null && Files.isDirectory(Path.of(staging)), "child did not start: " + staging);
    return new Child(p, Path.of(staging));
  }

  @Test
  void aBuildStoppedBySigtermLeavesNoStagingDirectory() throws Exception {
    Child c = child();
    c.process().destroy(); // SIGTERM, as a CI timeout or `kill` sends
    assertTrue(c.process().waitFor(30, TimeUnit.SECONDS), "child did not stop");
    assertFalse(Files.exists(c.staging()), "staging directory left behind");
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(List.of(), files.toList());
    }
  }

  @Test
  void aBuildIntoANewDirectoryStoppedBySigtermLeavesNoDirectory() throws Exception {
    Child c = child(out.resolve("nightly"));
    c.process().destroy();
    assertTrue(c.process().waitFor(30, TimeUnit.SECONDS), "child did not stop");
    assertFalse(Files.exists(out.resolve("nightly")), "the output directory the stopped build made is left");
  }

  @Test
  void theNextBuildRemovesTheStagingDirectoryOfABuildKilledOutright() throws Exception {
    Child c = child();
    c.process().destroyForcibly(); // SIGKILL: no shutdown hook runs
    assertTrue(c.process().waitFor(30, TimeUnit.SECONDS), "child did not stop");
    assertTrue(Files.isDirectory(c.staging()), "SIGKILL runs no hook: the directory is still there");
    try (StagingDirectory s = StagingDirectory.create(out)) {
      assertFalse(Files.exists(c.staging()), "the killed build's staging directory is left");
      assertTrue(Files.isDirectory(s.directory()));
    }
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(List.of(), files.toList());
    }
  }

  @Test
  void aRunningBuildsStagingDirectoryIsLeftAlone() throws Exception {
    Child c = child();
    try (StagingDirectory mine = StagingDirectory.create(out); StagingDirectory again = StagingDirectory.create(out)) {
      assertTrue(Files.isRegularFile(c.staging().resolve("disk.raw")), "another process's build");
      assertTrue(Files.isDirectory(mine.directory()), "a build of this process");
      assertTrue(Files.isDirectory(again.directory()));
    } finally {
      c.process().destroyForcibly();
      c.process().waitFor(30, TimeUnit.SECONDS);
    }
  }
}

package io.cosbuild.cli.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failures of {@link StagingDirectory#create} itself, on a file system made to fail (as root, as CI runs). */
class StagingDirectoryIT {

  @TempDir Path dir;

  /**
   * A tmpfs with room for two more inodes: the output directories a build makes fit, its staging directory does not.
   * The build fails there and takes the directories it made with it.
   */
  @Test
  void whenTheStagingDirectoryCannotBeMadeTheOutputDirectoriesMadeForItGoToo() throws Exception {
    Path mnt = Files.createDirectories(dir.resolve("mnt"));
    Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1M,nr_inodes=3", "tmpfs", mnt.toString())
        .redirectErrorStream(true).start();
    String said = new String(m.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, m.waitFor(), "mount a tmpfs (this test needs root): " + said);
    try {
      IOException e = assertThrows(IOException.class, () -> StagingDirectory.create(mnt.resolve("nightly/amd64")));
      assertTrue(String.valueOf(e.getMessage()).contains("nightly/amd64"), e.toString());
      try (Stream<Path> left = Files.list(mnt)) {
        assertEquals(List.of(), left.toList(), "the output directories made for the build are left");
      }
    } finally {
      new ProcessBuilder("umount", mnt.toString()).inheritIO().start().waitFor();
    }
  }
}

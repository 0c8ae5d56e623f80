package io.cosbuild.cli.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A manifest that is not one is named with where and what, not with Jackson's words about our classes. */
class UnreadableManifestTest {

  @TempDir Path dir;

  private List<String> verify(String json) throws Exception {
    Path m = Files.writeString(dir.resolve("manifest.json"), json);
    // The manifest is read before the disk: a missing disk is never reached.
    return ImageVerifier.verify(dir.resolve("disk.raw"), m);
  }

  @Test
  void namesWhereAndWhat() throws Exception {
    String m = dir.resolve("manifest.json") + ": not a readable manifest: ";
    assertEquals(List.of(m + "line 1, column 1: the document must be an object"), verify("[1, 2]\n"));
    assertEquals(List.of(m + "line 2, column 22: manifestVersion must be a whole number"), verify("{\n  \"manifestVersion\": \"three\"}"));
    assertEquals(List.of(m + "line 1, column 39: disk.partitions[0].firstLba must be a whole number"),
        verify("{\"disk\": {\"partitions\": [{\"firstLba\": []}]}}"));
    assertEquals(List.of(m + "line 1, column 22: Unexpected end-of-input: expected close marker for Object (start marker at line 1, "
        + "column 1)"), verify("{\"manifestVersion\": 3"));
  }
}

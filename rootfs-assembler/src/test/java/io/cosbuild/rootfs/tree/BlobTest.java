package io.cosbuild.rootfs.tree;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BlobTest {

  private static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @Test
  void takesSizeAndLowerCaseSha256Hex() {
    assertDoesNotThrow(() -> new Blob(0, EMPTY, Path.of("/x")));
    assertDoesNotThrow(() -> new Blob(1L << 40, "0123456789abcdef".repeat(4), Path.of("/x")));
  }

  @Test
  void refusesAnythingElse() {
    for (String bad : new String[] {null, "", EMPTY.substring(1), EMPTY + "0", EMPTY.toUpperCase(),
        EMPTY.replace('e', 'g'), EMPTY.replace('0', ' '), EMPTY.replace('b', '/'), EMPTY.replace('9', ':')}) {
      assertThrows(IllegalArgumentException.class, () -> new Blob(0, bad, Path.of("/x")), bad);
    }
    assertThrows(IllegalArgumentException.class, () -> new Blob(-1, EMPTY, Path.of("/x")));
    assertThrows(NullPointerException.class, () -> new Blob(0, EMPTY, null));
  }
}

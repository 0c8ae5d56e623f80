package io.cosbuild.rootfs.tree;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  @Test
  void anUnhashedBlobHashesItsFileWhenFirstAskedAndNoticesAChangedSize(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("f"), "abc");
    Blob b = Blob.unhashed(3, f);
    assertFalse(b.isHashed());
    // sha256sum of "abc"
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", b.sha256());
    assertTrue(b.isHashed());
    assertEquals(new Blob(3, b.sha256(), f), b);

    Path g = Files.writeString(dir.resolve("g"), "abc");
    Blob stale = Blob.unhashed(3, g);
    Files.writeString(g, "abcd", StandardCharsets.UTF_8);
    UncheckedIOException e = assertThrows(UncheckedIOException.class, stale::sha256);
    assertTrue(e.getCause().getMessage().contains("modified"), e.getCause().getMessage());
  }
}

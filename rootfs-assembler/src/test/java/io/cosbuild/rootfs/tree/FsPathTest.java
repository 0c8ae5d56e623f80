package io.cosbuild.rootfs.tree;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FsPathTest {

  @Test
  void acceptsNormalisedAbsolutePaths() {
    for (String ok : List.of("/", "/a", "/usr/lib/x86_64-linux-gnu", "/.hidden/...", "/a/.b/..c", "/\u00e9t\u00e9")) {
      assertEquals(ok, assertDoesNotThrow(() -> new FsPath(ok)).value());
    }
  }

  @Test
  void refusesEmptyDotAndDotDotComponentsNulAndRelativePaths() {
    for (String bad : List.of("", "a", "a/b", "/a/", "//", "/a//b", "/.", "/a/.", "/a/./b", "/..", "/a/../b", "/a/..",
        "/a\0b")) {
      assertThrows(IllegalArgumentException.class, () -> new FsPath(bad), bad);
    }
  }

  @Test
  void namesAreLimitedTo255Utf8Bytes() {
    assertDoesNotThrow(() -> FsPath.ROOT.resolve("a".repeat(255)));
    assertThrows(IllegalArgumentException.class, () -> FsPath.ROOT.resolve("a".repeat(256)));
    assertDoesNotThrow(() -> new FsPath("/x/" + "\u20ac".repeat(85)));                  // 3 bytes each: 255
    assertThrows(IllegalArgumentException.class, () -> new FsPath("/x/" + "\u20ac".repeat(86)));
    assertDoesNotThrow(() -> new FsPath("/" + "\ud83d\ude00".repeat(63) + "abc"));       // 4 bytes each: 255
    assertThrows(IllegalArgumentException.class, () -> new FsPath("/" + "\ud83d\ude00".repeat(64)));
    assertThrows(IllegalArgumentException.class, () -> FsPath.ROOT.resolve("a/b"));
    assertThrows(IllegalArgumentException.class, () -> FsPath.ROOT.resolve(".."));
  }

  @Test
  void parseDropsDotsAndSlashesAndRefusesDotDot() {
    assertEquals(new FsPath("/usr/bin/env"), FsPath.parse("./usr//bin/./env/"));
    assertEquals(FsPath.ROOT, FsPath.parse("./"));
    assertThrows(IllegalArgumentException.class, () -> FsPath.parse("usr/../../etc/passwd"));
  }

  @Test
  void ordersComponentByComponentByUtf8Bytes() {
    List<FsPath> paths = new ArrayList<>();
    for (String p : List.of("/a-b", "/a/z", "/a", "/\u00e9", "/b", "/a.b", "/", "/\ud83d\ude00", "/\uffff")) {
      paths.add(new FsPath(p));
    }
    paths.sort(null);
    assertEquals(List.of("/", "/a", "/a/z", "/a-b", "/a.b", "/b", "/\u00e9", "/\uffff", "/\ud83d\ude00"),
        paths.stream().map(FsPath::value).toList());
    assertTrue(FsPath.NAME_ORDER.compare("\uffff", "\ud83d\ude00") < 0);
  }

  /** The order's definition: component lists compared name by name in UTF-8 byte order, a prefix first. */
  private static int byComponents(FsPath a, FsPath b) {
    List<String> x = a.components();
    List<String> y = b.components();
    for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
      int c = FsPath.NAME_ORDER.compare(x.get(i), y.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(x.size(), y.size());
  }

  @Test
  void orderAgreesWithComparingComponentsByUtf8BytesOnRandomPaths() {
    // Short names from few characters, so that long shared prefixes and every kind of difference
    // (a '/' against a character, BMP against supplementary characters, one path a prefix) occur.
    String[] alphabet = {"a", "b", "-", ".", "\u00e9", "\uffff", "\ud83d\ude00", "\ud83d\ude01", "0"};
    java.util.Random random = new java.util.Random(42);
    List<FsPath> paths = new ArrayList<>();
    while (paths.size() < 400) {
      StringBuilder sb = new StringBuilder();
      int depth = random.nextInt(4);
      for (int d = 0; d < depth; d++) {
        StringBuilder name = new StringBuilder();
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
          name.append(alphabet[random.nextInt(alphabet.length)]);
        }
        if (name.toString().equals(".") || name.toString().equals("..")) {
          continue;
        }
        sb.append('/').append(name);
      }
      paths.add(sb.length() == 0 ? FsPath.ROOT : new FsPath(sb.toString()));
    }
    for (FsPath a : paths) {
      for (FsPath b : paths) {
        assertEquals(Integer.signum(byComponents(a, b)), Integer.signum(a.compareTo(b)), a + " against " + b);
      }
    }
  }
}

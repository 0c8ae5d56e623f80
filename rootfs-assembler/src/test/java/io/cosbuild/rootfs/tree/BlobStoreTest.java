package io.cosbuild.rootfs.tree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobStoreTest {

  @TempDir Path dir;

  /** Around the size up to which content is hashed in memory first, and far over it. */
  @Test
  void contentOfEverySizeIsStoredUnderTheDigestSha256sumGives() throws Exception {
    BlobStore store = BlobStore.open(dir.resolve("store"));
    Random random = new Random(1);
    for (int size : new int[] {0, 1, 4096, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 5 << 20}) {
      byte[] content = new byte[size];
      random.nextBytes(content);
      Path file = Files.write(dir.resolve("content-" + size), content);
      Blob b = store.put(new ByteArrayInputStream(content));
      assertEquals(sha256sum(file), b.sha256(), "digest of " + size + " bytes");
      assertEquals(size, b.size());
      assertArrayEquals(content, Files.readAllBytes(b.location()), "stored bytes of " + size);
    }
    try (Stream<Path> tmp = Files.list(store.root().resolve("tmp"))) {
      assertEquals(0, tmp.count(), "no temporary file is left");
    }
  }

  /**
   * Runs of zeros past the first MiB are left as holes in the stored file (a sparse tar member's), its
   * bytes and digest unchanged, trailing zeros too.
   */
  @Test
  void zerosAreStoredAsHoles() throws Exception {
    BlobStore store = BlobStore.open(dir.resolve("store"));
    byte[] content = new byte[(6 << 20) + 100];
    new Random(2).nextBytes(content);
    java.util.Arrays.fill(content, 2 << 20, 4 << 20, (byte) 0);
    java.util.Arrays.fill(content, 5 << 20, content.length, (byte) 0);
    Path file = Files.write(dir.resolve("content"), content);
    Blob b = store.put(new ByteArrayInputStream(content));
    assertEquals(sha256sum(file), b.sha256());
    assertEquals(content.length, Files.size(b.location()));
    assertArrayEquals(content, Files.readAllBytes(b.location()));
    HostHoles holes = HostHoles.of(b.location(), content.length);
    org.junit.jupiter.api.Assertions.assertTrue(holes.isHole(2 << 20, 2 << 20), "the zeros in the middle");
    org.junit.jupiter.api.Assertions.assertTrue(holes.isHole(5 << 20, content.length - (5 << 20)), "the zeros at the end");
    org.junit.jupiter.api.Assertions.assertFalse(holes.isHole((2 << 20) - 1, 1));
  }

  @Test
  void contentTheStoreHasAlreadyLeavesItsFileAlone() throws Exception {
    BlobStore store = BlobStore.open(dir.resolve("store"));
    byte[] small = "a file every rebuild extracts again\n".getBytes(StandardCharsets.UTF_8);
    byte[] large = new byte[3 << 20];
    new Random(2).nextBytes(large);
    for (byte[] content : new byte[][] {small, large}) {
      Blob first = store.put(new ByteArrayInputStream(content));
      Object inode = Files.getAttribute(first.location(), "unix:ino");
      Blob again = store.put(new ByteArrayInputStream(content));
      assertEquals(first, again);
      assertEquals(inode, Files.getAttribute(again.location(), "unix:ino"), "the stored file is not replaced");
    }
  }

  /** Entries of one tar stream are stored one after another: the stream stays open, whatever the size. */
  @Test
  void theStreamIsNotClosed() throws Exception {
    BlobStore store = BlobStore.open(dir.resolve("store"));
    for (int size : new int[] {10, 3 << 20}) {
      boolean[] closed = {false};
      store.put(new ByteArrayInputStream(new byte[size]) {
        @Override
        public void close() {
          closed[0] = true;
        }
      });
      assertEquals(false, closed[0], "closed after " + size + " bytes");
    }
  }

  private static String sha256sum(Path file) throws Exception {
    Process p = new ProcessBuilder("sha256sum", file.toString()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertEquals(0, p.waitFor());
    return out.substring(0, 64);
  }
}

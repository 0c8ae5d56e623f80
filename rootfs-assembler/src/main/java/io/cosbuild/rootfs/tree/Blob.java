package io.cosbuild.rootfs.tree;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * The content of a regular file: its size, SHA-256 (lower-case hex) and the file in a
 * {@link BlobStore} that holds the bytes. Content is read only when asked, so a tree of gigabytes
 * costs a few hundred bytes per file in the heap. Immutable and thread-safe; callers close the
 * streams and channels they open.
 */
public record Blob(long size, String sha256, Path location) {

  public Blob {
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative");
    }
    if (!isSha256Hex(sha256)) {
      throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits: " + sha256);
    }
    Objects.requireNonNull(location, "location");
  }

  /** 64 lower-case hex digits; checked by hand because a tree makes one blob per file. */
  private static boolean isSha256Hex(String s) {
    if (s == null || s.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  public InputStream open() throws IOException {
    return Files.newInputStream(location);
  }

  public FileChannel openChannel() throws IOException {
    return FileChannel.open(location, StandardOpenOption.READ);
  }

  public byte[] readAllBytes() throws IOException {
    if (size > Integer.MAX_VALUE - 8) {
      throw new IOException("blob too large to read into memory: " + size + " bytes");
    }
    return Files.readAllBytes(location);
  }

  /** Two blobs with the same digest and size have the same bytes, wherever they are stored. */
  public boolean sameContent(Blob other) {
    return size == other.size && sha256.equals(other.sha256);
  }
}

package io.cosbuild.rootfs.tree;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * The content of a regular file: its size, SHA-256 (lower-case hex) and the file that holds the
 * bytes, in a {@link BlobStore} or in place. Content is read only when asked, so a tree of gigabytes
 * costs a few hundred bytes per file in the heap. A blob made by {@link #unhashed} computes its
 * digest on the first call of {@link #sha256()}: a writer that compares contents only between files
 * of the same size then reads most files once instead of twice. Immutable in value and thread-safe;
 * callers close the streams and channels they open.
 */
public final class Blob {

  private final long size;
  private final Path location;
  private volatile String sha256;

  /** A blob whose digest is known. */
  public Blob(long size, String sha256, Path location) {
    this(size, location);
    if (!isSha256Hex(sha256)) {
      throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits: " + sha256);
    }
    this.sha256 = sha256;
  }

  private Blob(long size, Path location) {
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative");
    }
    this.size = size;
    this.location = Objects.requireNonNull(location, "location");
  }

  /**
   * A blob for {@code size} bytes in {@code location} whose digest is computed when first asked for.
   * The caller keeps the file unchanged while the blob is in use.
   */
  public static Blob unhashed(long size, Path location) {
    return new Blob(size, location);
  }

  public long size() {
    return size;
  }

  public Path location() {
    return location;
  }

  /**
   * The SHA-256 of the content, lower-case hex. For an {@link #unhashed} blob the first call reads the
   * file; it fails with an {@link UncheckedIOException} when the file cannot be read or no longer has
   * {@link #size()} bytes.
   */
  public String sha256() {
    String s = sha256;
    if (s == null) {
      try {
        Blob hashed = BlobStore.hashInPlace(location);
        if (hashed.size != size) {
          throw new IOException(location + " has " + hashed.size + " bytes, not the " + size
              + " it had when it was read; it was modified");
        }
        s = hashed.sha256;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      sha256 = s;
    }
    return s;
  }

  /** Whether the digest is known without reading the file. */
  public boolean isHashed() {
    return sha256 != null;
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

  /**
   * Says that the file at {@link #location()} is now {@code how} ("shorter", "longer") than {@link #size()}: it
   * changed after the tree was read, as a host file being edited during a build does.
   */
  public String changed(String how) {
    return location + " changed while the image was written: it is now " + how + " than the " + size
        + " bytes it had when the tree was read";
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
    return size == other.size && sha256().equals(other.sha256());
  }

  /** Same size, digest and location (the digest is computed if need be). */
  @Override
  public boolean equals(Object o) {
    return o instanceof Blob b && size == b.size && location.equals(b.location) && sha256().equals(b.sha256());
  }

  @Override
  public int hashCode() {
    return Objects.hash(size, location);
  }

  @Override
  public String toString() {
    return "Blob[size=" + size + ", sha256=" + (sha256 != null ? sha256 : "(not yet computed)") + ", location="
        + location + "]";
  }
}

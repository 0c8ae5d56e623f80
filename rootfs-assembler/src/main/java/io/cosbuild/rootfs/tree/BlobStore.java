package io.cosbuild.rootfs.tree;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Content-addressed file store: every blob lives at {@code <dir>/sha256/<ab>/<digest>}, so identical
 * content is stored once and a blob's path never changes. Writes go to a temporary file that is
 * renamed into place only when complete, so an interrupted write never leaves a wrong blob.
 * Thread-safe: concurrent puts of the same content both end with the same file.
 */
public final class BlobStore {

  private final Path root;
  private final boolean referencing;

  private BlobStore(Path root, boolean referencing) {
    this.root = root;
    this.referencing = referencing;
  }

  /**
   * A store whose {@link #putFile} hashes the file and returns a blob pointing at the file itself
   * instead of copying it (other puts still copy into {@code dir}). For one-shot commands that read
   * a host directory and write an image at once: the source files must not change until then.
   */
  public static BlobStore openReferencing(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("sha256"));
    Files.createDirectories(dir.resolve("tmp"));
    return new BlobStore(dir.toAbsolutePath(), true);
  }

  /** Opens (creating if needed) a store in {@code dir}. */
  public static BlobStore open(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("sha256"));
    Files.createDirectories(dir.resolve("tmp"));
    return new BlobStore(dir.toAbsolutePath(), false);
  }

  public Path root() {
    return root;
  }

  /** Stores everything {@code in} yields; does not close {@code in}. */
  public Blob put(InputStream in) throws IOException {
    Path tmp = Files.createTempFile(root.resolve("tmp"), "blob", ".part");
    try {
      MessageDigest md = sha256();
      long size = 0;
      byte[] buf = new byte[1 << 16];
      try (OutputStream out = Files.newOutputStream(tmp)) {
        int n;
        while ((n = in.read(buf)) > 0) {
          md.update(buf, 0, n);
          out.write(buf, 0, n);
          size += n;
        }
      }
      String digest = HexFormat.of().formatHex(md.digest());
      Path target = pathFor(digest);
      if (!Files.exists(target)) {
        Files.createDirectories(target.getParent());
        try {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
          // Another writer stored the same content first; theirs is as good as ours.
        }
      }
      return new Blob(size, digest, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  public Blob put(byte[] content) {
    try (InputStream in = new java.io.ByteArrayInputStream(content)) {
      return put(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Blob putFile(Path file) throws IOException {
    if (referencing) {
      MessageDigest md = sha256();
      long size = 0;
      byte[] buf = new byte[1 << 16];
      try (InputStream in = Files.newInputStream(file)) {
        int n;
        while ((n = in.read(buf)) > 0) {
          md.update(buf, 0, n);
          size += n;
        }
      }
      return new Blob(size, HexFormat.of().formatHex(md.digest()), file.toAbsolutePath());
    }
    try (InputStream in = Files.newInputStream(file)) {
      return put(in);
    }
  }

  /**
   * A blob for {@code file} where it lies: hashed, not copied into any store. The caller keeps
   * the file unchanged while the blob is in use.
   */
  public static Blob hashInPlace(Path file) throws IOException {
    MessageDigest md = sha256();
    long size = 0;
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
      // Sized to the file: trees are mostly small files, and zeroing 64 KiB each adds up.
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) Math.min(1 << 16, ch.size() + 1));
      int n;
      while ((n = ch.read(buf)) >= 0) {
        buf.flip();
        md.update(buf);
        buf.clear();
        size += n;
      }
    }
    return new Blob(size, HexFormat.of().formatHex(md.digest()), file.toAbsolutePath());
  }

  private Path pathFor(String digest) {
    return root.resolve("sha256").resolve(digest.substring(0, 2)).resolve(digest);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}

package io.cosbuild.rootfs.tree;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Content-addressed file store: every blob lives at {@code <dir>/sha256/<ab>/<digest>}, so identical
 * content is stored once and a blob's path never changes. Writes go to a temporary file that is
 * renamed into place only when complete, so an interrupted write never leaves a wrong blob.
 * Thread-safe: concurrent puts of the same content both end with the same file.
 */
public final class BlobStore {

  /** SHA-256 of no bytes: an empty file's blob needs no read. */
  private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  /**
   * Per-thread read buffer (and digest, for {@link #hashInPlace}): trees are mostly small files, and a
   * fresh 64 KiB buffer per file costs more in page faults than the hashing itself.
   */
  private static final int BUFFER_SIZE = 1 << 16;
  private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[BUFFER_SIZE]);
  /** What a buffer of zeros is compared with, to leave it a hole. */
  private static final byte[] ZEROS = new byte[BUFFER_SIZE];
  private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(BlobStore::sha256);
  /** Content up to this size is hashed before anything is written. */
  private static final int IN_MEMORY = 1 << 20;
  private static final ThreadLocal<byte[]> HEAD = ThreadLocal.withInitial(() -> new byte[IN_MEMORY]);

  private final Path root;

  private BlobStore(Path root) {
    this.root = root;
  }

  /** Opens (creating if needed) a store in {@code dir}. */
  public static BlobStore open(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("sha256"));
    Files.createDirectories(dir.resolve("tmp"));
    return new BlobStore(dir.toAbsolutePath());
  }

  public Path root() {
    return root;
  }

  /**
   * Stores everything {@code in} yields; does not close {@code in}. Content up to {@value #IN_MEMORY} bytes is
   * hashed in memory first, so content the store has already (every file of a rebuild) costs no file at all;
   * larger content streams through a temporary file.
   */
  public Blob put(InputStream in) throws IOException {
    byte[] head = HEAD.get();
    int n = in.readNBytes(head, 0, head.length);
    if (n < head.length) {
      MessageDigest md = DIGEST.get();
      md.reset();
      md.update(head, 0, n);
      String digest = HexFormat.of().formatHex(md.digest());
      Path target = pathFor(digest);
      if (!Files.exists(target)) {
        store(head, n, InputStream.nullInputStream());
      }
      return new Blob(n, digest, target);
    }
    return store(head, n, in);
  }

  /** Stores {@code head}'s first {@code headLength} bytes and then the rest of {@code in}, through a temporary file. */
  private Blob store(byte[] head, int headLength, InputStream in) throws IOException {
    Path tmp = Files.createTempFile(root.resolve("tmp"), "blob", ".part");
    try {
      MessageDigest md = sha256();
      md.update(head, 0, headLength);
      long size = headLength;
      byte[] buf = BUFFER.get();
      try (RandomAccessFile file = new RandomAccessFile(tmp.toFile(), "rw")) {
        file.write(head, 0, headLength);
        int n;
        while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
          md.update(buf, 0, n);
          // A run of zeros (a hole of a sparse tar member, an empty disk image) stays a hole here, so
          // neither this write nor the writers' reads (HostHoles) pay for it.
          if (Arrays.mismatch(buf, 0, n, ZEROS, 0, n) < 0) {
            file.seek(size + n);
          } else {
            file.write(buf, 0, n);
          }
          size += n;
        }
        file.setLength(size);
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

  /** The blob stored under {@code sha256}, if the store has it with {@code size} bytes. */
  public Optional<Blob> existing(String sha256, long size) {
    Path p = pathFor(sha256);
    try {
      if (Files.size(p) != size) {
        return Optional.empty();
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.of(new Blob(size, sha256, p));
  }

  public Blob put(byte[] content) {
    try (InputStream in = new java.io.ByteArrayInputStream(content)) {
      return put(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Blob putFile(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return put(in);
    }
  }

  /**
   * A blob for {@code file} where it lies: hashed, not copied into any store. The caller keeps
   * the file unchanged while the blob is in use. Thread-safe.
   */
  public static Blob hashInPlace(Path file) throws IOException {
    MessageDigest md = DIGEST.get();
    md.reset();
    byte[] buf = BUFFER.get();
    long size = 0;
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
        size += n;
      }
    }
    return new Blob(size, HexFormat.of().formatHex(md.digest()), file.toAbsolutePath());
  }

  /** Like {@link #hashInPlace(Path)} for a file known to be empty: nothing to open. */
  public static Blob emptyInPlace(Path file) {
    return new Blob(0, EMPTY_SHA256, file.toAbsolutePath());
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

package io.cosbuild.rootfs.tree;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes an output through a temporary file beside it, renamed into place only once complete: an interrupted or
 * failed writer leaves the target as it was, never a plausible but broken image. Stateless.
 */
public final class CompleteFile {

  /** Writes the whole output to a channel positioned at 0. */
  @FunctionalInterface
  public interface Writer<T, E extends Exception> {
    T write(FileChannel out) throws IOException, E;
  }

  private CompleteFile() {}

  public static <T, E extends Exception> T write(Path target, Writer<T, E> writer) throws IOException, E {
    Path abs = target.toAbsolutePath();
    Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName() + ".", ".part");
    tmp.toFile().deleteOnExit(); // also when the JVM is stopped by a signal mid-way
    boolean done = false;
    try {
      T result;
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        result = writer.write(ch);
      }
      try {
        // createTempFile makes the file private; an image is as readable as any build output.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException notPosix) {
        // Non-POSIX file systems keep their default permissions.
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
      done = true;
      return result;
    } finally {
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
  }
}

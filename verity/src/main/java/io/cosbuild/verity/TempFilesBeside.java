package io.cosbuild.verity;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The hidden temporary files an output is written to before it is renamed over its target
 * ({@code .NAME.DIGITS.tmp}). A run that is stopped by a signal deletes its own on exit; one killed outright
 * (SIGKILL, a CI timeout) cannot, so each run holds a POSIX lock on its file while writing it, and the next run
 * for the same target removes those whose lock is free. Stateless.
 */
final class TempFilesBeside {

  private TempFilesBeside() {}

  /**
   * A new temporary file beside {@code target}, deleted on exit; mode 0600, which is what veritysetup gives a hash
   * file it creates. A failure names the user's path.
   */
  static Path create(Path target, String what) throws IOException, VerityException {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp;
    try {
      tmp = Files.createTempFile(dir, prefix(target), ".tmp");
    } catch (AccessDeniedException e) {
      throw new VerityException("cannot write the " + what + " " + target + ": permission denied in " + dir);
    } catch (NoSuchFileException e) {
      throw new VerityException("cannot write the " + what + " " + target + ": " + dir + " does not exist");
    }
    tmp.toFile().deleteOnExit();
    return tmp;
  }

  /**
   * Takes the lock that marks {@code ch}'s temporary file as in use. POSIX locks belong to the process and end when
   * it closes any descriptor of the file, so the caller keeps {@code ch} open until the file is renamed.
   */
  static void markInUse(FileChannel ch) throws IOException {
    ch.lock();
  }

  /**
   * Removes the temporary files of {@code target} that no process holds a lock on. An empty one is left: it may be
   * a run's that has just been created and is not locked yet (an abandoned one takes no space).
   */
  static void removeAbandoned(Path target) {
    Path dir = target.toAbsolutePath().getParent();
    String prefix = prefix(target);
    DirectoryStream.Filter<Path> ours = p -> {
      String n = p.getFileName().toString();
      return n.length() > prefix.length() + 4 && n.startsWith(prefix) && n.endsWith(".tmp")
          && n.substring(prefix.length(), n.length() - 4).chars().allMatch(Character::isDigit);
    };
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ours)) {
      for (Path p : files) {
        removeIfAbandoned(p);
      }
    } catch (IOException e) {
      // an unreadable directory: the new file cannot be created there either, which says why
    }
  }

  private static void removeIfAbandoned(Path p) {
    try {
      // Opened only when a regular file: opening a FIFO for writing would wait for a reader.
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!a.isRegularFile() || a.size() == 0) {
        return;
      }
      try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
        FileLock lock = ch.tryLock();
        if (lock != null) {
          Files.delete(p);
        }
      }
    } catch (OverlappingFileLockException e) {
      // a run in this JVM (another thread) writes it
    } catch (IOException e) {
      // gone meanwhile, or another user's file: not this run's to remove
    }
  }

  private static String prefix(Path target) {
    return "." + target.getFileName() + ".";
  }
}

package io.cosbuild.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A file path a command writes by renaming a finished temporary file over it. Only a regular file (or
 * nothing) may be there: renaming over a device node, a pipe or {@code /dev/stdout} would replace it
 * with a file, for every user of the machine when run as root.
 */
final class OutputFile {

  private OutputFile() {}

  /**
   * Where the {@code what} for {@code path} goes: {@code path}, or the regular file a symbolic link at
   * {@code path} names (the link stays).
   *
   * @param advice appended to the error, or empty
   * @throws IllegalArgumentException when something other than a regular file is there
   */
  static Path resolve(Path path, String what, String advice) {
    return resolve(path, what, advice, false);
  }

  /** {@link #resolve(Path, String, String)} that also takes a block device (or a link to one) as it is. */
  static Path resolve(Path path, String what, String advice, boolean deviceAllowed) {
    if (deviceAllowed && isBlockDevice(path)) {
      return path;
    }
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return path;
    }
    if (Files.isRegularFile(path)) {
      try {
        return path.toRealPath();
      } catch (IOException e) {
        throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
      }
    }
    throw new IllegalArgumentException(path + " is not a regular file" + (deviceAllowed ? " or block device" : "")
        + "; the " + what + " is written to " + (deviceAllowed ? "one of those" : "a file")
        + (advice.isEmpty() ? "" : " (" + advice + ")"));
  }

  /**
   * Where the block device at {@code device} is mounted (from /proc/self/mountinfo), if it is: writing a
   * new filesystem under a mounted one corrupts both.
   */
  static Optional<String> mountPoint(Path device) {
    try {
      long rdev = (Long) Files.getAttribute(device, "unix:rdev");
      String id = (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL)) + ":" + ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String[] f = line.split(" ");
        if (f.length > 4 && f[2].equals(id)) {
          return Optional.of(f[4]);
        }
      }
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      // No mount table to read (not Linux): nothing known to be mounted.
    }
    return Optional.empty();
  }

  /** Whether {@code path} is, or links to, a block device. */
  static boolean isBlockDevice(Path path) {
    try {
      return ((Integer) Files.getAttribute(path, "unix:mode") & 0170000) == 0060000;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false; // missing, or a file system without unix modes
    }
  }
}

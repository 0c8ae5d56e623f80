package io.cosbuild.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

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
   * What holds the block device at {@code device}, if anything: a mount of it or of one of its
   * partitions (from /proc/self/mountinfo), or a device-mapper or md device stacked on it (its sysfs
   * {@code holders}). Writing under any of them corrupts what they see.
   *
   * @return e.g. "mounted at /mnt" or "partition 259:1 is used by dm-0"
   */
  static Optional<String> user(Path device) {
    try {
      long rdev = (Long) Files.getAttribute(device, "unix:rdev");
      String id = (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL)) + ":" + ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
      return user(id, Files.readAllLines(Path.of("/proc/self/mountinfo")), Path.of("/sys/dev/block"));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      // No mount table to read (not Linux): nothing known to use it.
      return Optional.empty();
    }
  }

  /**
   * Refuses a block device (or a link to one) that is in use ({@link #user(Path)}); anything else passes.
   *
   * @throws IllegalArgumentException naming the device and its user
   */
  static void refuseInUse(Path output) {
    if (isBlockDevice(output)) {
      user(output).ifPresent(u -> {
        throw new IllegalArgumentException(output + " is " + u + "; it cannot be written while in use");
      });
    }
  }

  /** {@link #user(Path)} of the device {@code id} ("major:minor") from a mount table and a sysfs directory. */
  static Optional<String> user(String id, List<String> mountinfo, Path sysDevBlock) throws IOException {
    // The device itself, then its partitions (sysfs subdirectories with a "partition" file).
    List<Part> parts = new ArrayList<>(List.of(new Part(id, "", sysDevBlock.resolve(id))));
    if (Files.isDirectory(parts.get(0).sys())) {
      try (Stream<Path> children = Files.list(parts.get(0).sys())) {
        for (Path child : children.sorted().toList()) {
          if (Files.exists(child.resolve("partition"))) {
            parts.add(new Part(Files.readString(child.resolve("dev")).strip(), "partition " + child.getFileName() + " is ", child));
          }
        }
      }
    }
    for (Part part : parts) {
      for (String line : mountinfo) {
        String[] f = line.split(" ");
        if (f.length > 4 && f[2].equals(part.id())) {
          return Optional.of(part.label() + "mounted at " + f[4]);
        }
      }
      Path holders = part.sys().resolve("holders");
      if (Files.isDirectory(holders)) {
        try (Stream<Path> h = Files.list(holders)) {
          Optional<String> holder = h.map(p -> p.getFileName().toString()).sorted().findFirst();
          if (holder.isPresent()) {
            return Optional.of(part.label() + "used by " + holder.get());
          }
        }
      }
    }
    return Optional.empty();
  }

  private record Part(String id, String label, Path sys) {}

  /** Whether {@code path} is, or links to, a block device. */
  static boolean isBlockDevice(Path path) {
    try {
      return ((Integer) Files.getAttribute(path, "unix:mode") & 0170000) == 0060000;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false; // missing, or a file system without unix modes
    }
  }
}

package io.cosbuild.cli.build;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Outputs are written into a hidden staging directory inside the output directory and moved to
 * their final names only once the whole build succeeded, so an interrupted or failed build never
 * leaves a plausible but broken image in place. A staging directory still open when the JVM shuts
 * down (Ctrl-C, SIGTERM from a CI timeout) is deleted by a shutdown hook, so gigabytes of
 * half-written disk do not pile up next to the outputs. A build killed outright (SIGKILL, the OOM killer,
 * a power loss) runs no hook: each staging directory holds a lock for as long as its build runs, and the
 * next build into the same directory removes those whose lock is free. Not thread-safe.
 */
public final class StagingDirectory implements AutoCloseable {

  /** Staging directories not yet closed, for the shutdown hook. */
  private static final Set<StagingDirectory> OPEN = ConcurrentHashMap.newKeySet();
  private static volatile boolean removedByShutdown;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      removedByShutdown = !OPEN.isEmpty();
      for (StagingDirectory s : OPEN) {
        removeWhileInUse(s.staging);
        s.removeCreatedOutputDirectory();
      }
    }, "cosbuild-staging-cleanup"));
  }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StagingDirectory.class);
  private static final String PREFIX = ".cosbuild-staging-";
  /** In each staging directory: locked (a POSIX record lock, released by the kernel) while its build runs. */
  private static final String LOCK = ".lock";

  private final Path out;
  /** The outermost directory that {@link #create} made for {@code out}, or null if {@code out} existed. */
  private final Path createdOut;
  private final Path staging;
  private final FileChannel lock;
  private boolean committed;

  private StagingDirectory(Path out, Path createdOut, Path staging, FileChannel lock) {
    this.out = out;
    this.createdOut = createdOut;
    this.staging = staging;
    this.lock = lock;
  }

  /**
   * Whether the JVM is shutting down (Ctrl-C, SIGTERM) and the hook removes open staging
   * directories: a build's error from then on is that removal, not a fault to report.
   */
  public static boolean removedByShutdown() {
    return removedByShutdown;
  }

  /**
   * A staging directory inside {@code out}, which is created if missing (and removed again, with the parents
   * made for it, if the build fails and leaves it empty); staging directories there of builds that were killed
   * are removed first.
   */
  public static StagingDirectory create(Path out) throws IOException {
    Path createdOut = null;
    for (Path p = out.toAbsolutePath(); p != null && Files.notExists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) {
      createdOut = p;
    }
    Path dir = null;
    FileChannel ch = null;
    try {
      Files.createDirectories(out);
      removeAbandoned(out);
      dir = Files.createTempDirectory(out, PREFIX);
      // Locked under another name, then renamed: a build looking for abandoned directories never sees the
      // lock file before it is locked (the lock belongs to the file, not its name).
      Path pending = dir.resolve(LOCK + ".new");
      ch = FileChannel.open(pending, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      ch.lock();
      Files.move(pending, dir.resolve(LOCK), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      // Nothing of this build may stay: not its staging directory, nor the output directories it made.
      try {
        if (ch != null) {
          ch.close();
        }
        if (dir != null) {
          deleteTree(dir);
        }
      } catch (IOException | UncheckedIOException cleanup) {
        e.addSuppressed(cleanup);
      }
      removeCreated(out, createdOut);
      throw e;
    }
    StagingDirectory s = new StagingDirectory(out, createdOut, dir, ch);
    OPEN.add(s);
    return s;
  }

  /** Removes the staging directories in {@code out} whose lock nobody holds: their builds are gone. */
  private static void removeAbandoned(Path out) throws IOException {
    List<Path> candidates;
    try (Stream<Path> s = Files.list(out)) {
      candidates = s.filter(p -> p.getFileName().toString().startsWith(PREFIX)
          && Files.isRegularFile(p.resolve(LOCK), LinkOption.NOFOLLOW_LINKS)).sorted().toList();
    }
    for (Path dir : candidates) {
      try (FileChannel ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.WRITE)) {
        if (ch.tryLock() == null) {
          continue; // a build is running there
        }
        deleteTree(dir);
        LOG.warn("removed {}, left by a build that was killed", dir);
      } catch (java.nio.channels.OverlappingFileLockException e) {
        // a build of this process
      } catch (IOException e) {
        // Gone meanwhile (its build finished), or another user's in a shared directory such as /tmp: a
        // leftover this build cannot judge or remove is no reason to fail it.
        LOG.debug("left {}: {}", dir, e.toString());
      }
    }
  }

  /** Where a file that will become {@code out/name} is written meanwhile. */
  public Path file(String name) {
    return staging.resolve(name);
  }

  public Path directory() {
    return staging;
  }

  /**
   * Moves the named files to the output directory, replacing older ones. Each is synced to disk
   * first and the directory after, so that a power loss cannot leave an output under its final
   * name with its data still unwritten.
   */
  public void commit(List<String> names) throws IOException {
    commit(names, List.of());
  }

  /**
   * {@link #commit(List)}, then deletes the {@code known} outputs this build did not produce (an
   * earlier build's {@code disk.qcow2} next to a raw-only build's manifest), so the output directory
   * holds one build's set and nothing that contradicts it.
   */
  public void commit(List<String> names, List<String> known) throws IOException {
    for (String n : names) {
      sync(staging.resolve(n));
    }
    for (String n : names) {
      Path target = out.resolve(n);
      try {
        Files.move(staging.resolve(n), target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(staging.resolve(n), target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    for (String n : known) {
      if (!names.contains(n)) {
        Files.deleteIfExists(out.resolve(n));
      }
    }
    force(out); // the renames themselves; not what else lives in the output directory
    committed = true;
  }

  /** fsync of a staged output: a file, or a directory and everything in it. */
  private static void sync(Path p) throws IOException {
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> s = Files.list(p)) {
        for (Path c : s.toList()) {
          sync(c);
        }
      }
    } else if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    force(p);
  }

  private static void force(Path p) throws IOException {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  public boolean committed() {
    return committed;
  }

  /**
   * Deletes the staging directory and whatever is left in it, and, if nothing was committed, the output
   * directory this build made, as long as nothing else has appeared in it.
   */
  @Override
  public void close() throws IOException {
    try {
      deleteTree(staging);
      OPEN.remove(this);
    } finally {
      lock.close();
    }
    removeCreatedOutputDirectory();
  }

  /**
   * A failed build into a new directory leaves no trace: removes {@code out} and the parents made for it, innermost
   * first, stopping at the first one that is not empty (another build's staging directory, a failure report).
   */
  private void removeCreatedOutputDirectory() {
    if (!committed) {
      removeCreated(out, createdOut);
    }
  }

  /** Removes {@code out} and its parents up to {@code createdOut}, the outermost one a build made, while empty. */
  private static void removeCreated(Path out, Path createdOut) {
    if (createdOut == null) {
      return;
    }
    Path stop = createdOut.getParent();
    for (Path p = out.toAbsolutePath(); p != null && !p.equals(stop); p = p.getParent()) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        return; // not empty, or not ours to remove any more
      }
    }
  }

  /**
   * The build's threads keep running while shutdown hooks do, and may still be creating files in
   * {@code dir}: try again until a pass finds it gone (their writes fail once it is), for at most
   * about two seconds.
   */
  private static void removeWhileInUse(Path dir) {
    for (int attempt = 1; ; attempt++) {
      try {
        deleteTree(dir);
        return;
      } catch (IOException | UncheckedIOException e) {
        if (attempt == 40) {
          System.err.println("cosbuild: could not remove " + dir + ": " + e.getMessage());
          return;
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}

package io.cosbuild.cli.build;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Outputs are written into a hidden staging directory inside the output directory and moved to
 * their final names only once the whole build succeeded, so an interrupted or failed build never
 * leaves a plausible but broken image in place. Not thread-safe.
 */
public final class StagingDirectory implements AutoCloseable {

  private final Path out;
  private final Path staging;
  private boolean committed;

  private StagingDirectory(Path out, Path staging) {
    this.out = out;
    this.staging = staging;
  }

  public static StagingDirectory create(Path out) throws IOException {
    Files.createDirectories(out);
    return new StagingDirectory(out, Files.createTempDirectory(out, ".cosbuild-staging-"));
  }

  /** Where a file that will become {@code out/name} is written meanwhile. */
  public Path file(String name) {
    return staging.resolve(name);
  }

  public Path directory() {
    return staging;
  }

  /** Moves the named files to the output directory, replacing older ones. */
  public void commit(List<String> names) throws IOException {
    for (String n : names) {
      Path target = out.resolve(n);
      try {
        Files.move(staging.resolve(n), target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(staging.resolve(n), target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    committed = true;
  }

  public boolean committed() {
    return committed;
  }

  /** Deletes the staging directory and whatever is left in it. */
  @Override
  public void close() throws IOException {
    if (!Files.exists(staging)) {
      return;
    }
    try (Stream<Path> s = Files.walk(staging)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}

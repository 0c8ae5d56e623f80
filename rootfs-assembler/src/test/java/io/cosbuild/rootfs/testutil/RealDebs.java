package io.cosbuild.rootfs.testutil;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Real bookworm {@code .deb} files for integration tests, fetched with {@code apt-get download}
 * (the machine's configured mirror) into {@code target/debs} once and reused.
 */
public final class RealDebs {

  public static final Path CACHE = Path.of("target", "debs").toAbsolutePath();

  private RealDebs() {}

  /** The {@code .deb} of each package, in the order given. */
  public static List<Path> fetch(List<String> packages) throws IOException, InterruptedException {
    Files.createDirectories(CACHE);
    List<String> missing = new ArrayList<>();
    for (String p : packages) {
      if (find(p) == null) {
        missing.add(p);
      }
    }
    if (!missing.isEmpty()) {
      List<String> cmd = new ArrayList<>(List.of("apt-get", "download", "-q"));
      cmd.addAll(missing);
      Process pr = new ProcessBuilder(cmd).directory(CACHE.toFile()).redirectErrorStream(true).start();
      String out = new String(pr.getInputStream().readAllBytes());
      if (pr.waitFor() != 0) {
        throw new IOException("apt-get download " + missing + " failed (run apt-get update?):\n" + out);
      }
    }
    List<Path> debs = new ArrayList<>();
    for (String p : packages) {
      Path d = find(p);
      if (d == null) {
        throw new IOException("apt-get download did not produce " + p);
      }
      debs.add(d);
    }
    return debs;
  }

  private static Path find(String pkg) throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(CACHE, pkg + "_*_*.deb")) {
      for (Path p : ds) {
        return p;
      }
    }
    return null;
  }

  /** Runs a command, returning its exit code and output (stdout and stderr). */
  public static Result run(List<String> cmd) throws IOException, InterruptedException {
    Process pr = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(pr.getInputStream().readAllBytes());
    return new Result(pr.waitFor(), out);
  }

  public record Result(int code, String output) {}
}

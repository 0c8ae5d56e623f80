package io.cosbuild.cli;

import io.cosbuild.spec.ProfileLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Where profiles are looked up: {@code --profile-path} directories, then the shipped {@code profiles/}. */
public final class ProfileOptions {

  @Option(names = "--profile-path", paramLabel = "DIR", description = "Extra directory of profiles, searched before the shipped ones (repeatable).")
  List<Path> profilePath = new ArrayList<>();

  public ProfileLoader loader() {
    List<Path> dirs = new ArrayList<>(profilePath);
    dirs.add(shippedProfiles());
    return new ProfileLoader(dirs);
  }

  /** The shipped profiles: $COSBUILD_HOME/profiles (the launcher sets it), else ./profiles. */
  public static Path shippedProfiles() {
    String home = System.getProperty("cosbuild.home", System.getenv("COSBUILD_HOME"));
    Path p = home == null ? Path.of("profiles") : Path.of(home, "profiles");
    return Files.isDirectory(p) ? p : Path.of("profiles");
  }
}

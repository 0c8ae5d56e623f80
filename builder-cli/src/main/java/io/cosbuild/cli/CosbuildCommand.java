package io.cosbuild.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The top-level {@code cosbuild} command: only subcommands do work. */
@Command(
    name = "cosbuild",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Builds immutable, dm-verity protected container-host OS images from Debian packages.",
    synopsisSubcommandLabel = "COMMAND",
    footer = {"", "Exit codes: 0 success, 1 build or check failure, 2 usage or input error.",
        "Run 'cosbuild COMMAND --help' for a command's options."},
    // Subcommands are registered by Main from SUBCOMMANDS, so a run builds only the one it needs.
    subcommands = {})
public final class CosbuildCommand implements Runnable {

  /**
   * Every subcommand, in help order. Building picocli's model of all of them costs about half a
   * second of start-up, so {@link Main} registers only the invoked one when it can tell which.
   * Classes, which picocli instantiates, rather than constructor references: a lambda of picocli's
   * Java 5 classes cannot go into the launcher's class-data archive and is generated at every start.
   */
  static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

  private static Map<String, Class<?>> subcommands() {
    Map<String, Class<?>> m = new LinkedHashMap<>();
    m.put("image", ImageCommand.class);
    m.put("profile", ProfileCommand.class);
    m.put("packages", PackagesCommand.class);
    m.put("fs", FsCommand.class);
    m.put("verity", VerityCommand.class);
    m.put("disk", DiskCommand.class);
    m.put("verify", VerifyCommand.class);
    m.put("boot", BootCommand.class);
    m.put("generate-completion", AutoComplete.GenerateCompletion.class);
    return Collections.unmodifiableMap(m);
  }

  /**
   * The subcommands of the commands that have several, in help order. Registered by {@link Main}
   * like {@link #SUBCOMMANDS}: only the invoked one when it can tell which (building the model of
   * {@code verity verify} made every {@code verity format} start 0.01-0.02 s later).
   */
  static final Map<String, List<Class<?>>> GROUPS = Map.of(
      "profile", List.of(ProfileCommand.Show.class, ProfileCommand.Validate.class, ProfileCommand.ListProfiles.class),
      "packages", List.of(PackagesCommand.Resolve.class, PackagesCommand.Fetch.class),
      "fs", List.of(FsSquashfsCommand.class, FsExt4Command.class),
      "verity", List.of(VerityFormatCommand.class, VerityVerifyCommand.class));

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a command is required");
  }
}

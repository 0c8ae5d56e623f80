package io.cosbuild.cli;

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
    subcommands = {
        ImageCommand.class,
        ProfileCommand.class,
        PackagesCommand.class,
        FsCommand.class,
        VerityCommand.class,
        DiskCommand.class,
        VerifyCommand.class,
        BootCommand.class,
        AutoComplete.GenerateCompletion.class
    })
public final class CosbuildCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a command is required");
  }
}

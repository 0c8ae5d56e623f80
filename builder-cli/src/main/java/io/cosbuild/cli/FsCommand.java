package io.cosbuild.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code cosbuild fs squashfs|ext4}: filesystem images from a directory or a tar archive. */
@Command(name = "fs", description = "Write a squashfs or ext4 image from a directory or tar archive.", mixinStandardHelpOptions = true,
    subcommands = {FsSquashfsCommand.class, FsExt4Command.class})
public final class FsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "say squashfs or ext4");
  }
}

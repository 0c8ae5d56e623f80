package io.cosbuild.cli;

import io.cosbuild.cli.build.Progress;
import io.cosbuild.cli.build.StagingDirectory;
import io.cosbuild.rootfs.source.FsSource;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.TreeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code cosbuild fs squashfs|ext4}: filesystem images from a directory or a tar archive. */
@Command(name = "fs", description = "Write a squashfs or ext4 image from a directory or tar archive.", mixinStandardHelpOptions = true)
// subcommands: CosbuildCommand.GROUPS
public final class FsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "say squashfs or ext4");
  }

  /**
   * Reads SRC as a progress step; a tar's contents are unpacked inside {@code staging}. A directory's
   * files are not read here: the writers read them, and hash only where they compare contents (see
   * {@link FsSource#read(Path, Path)}).
   */
  static FsTree readSource(Path src, StagingDirectory staging, Progress progress) throws IOException, TreeException {
    try (Progress.Step step = progress.start("Reading " + src)) {
      FsTree tree = FsSource.read(src, staging.directory().resolve(".tar-blobs"));
      step.done(String.format(Locale.ROOT, "%,d entries, %s of file content", tree.size() - 1,
          mib(tree.contentBytes())));
      return tree;
    }
  }

  /**
   * Where an image for OUT goes: OUT, or the regular file a symbolic link at OUT names (the link stays).
   * Anything else already there (a block or character device, a pipe, a directory) is refused: the image
   * is staged beside OUT and renamed over it, which would replace a device node with a file.
   */
  static Path output(Path out) {
    if (!Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
      return out;
    }
    if (Files.isRegularFile(out)) {
      try {
        return out.toRealPath();
      } catch (IOException e) {
        throw new IllegalArgumentException(out + ": " + e.getMessage(), e);
      }
    }
    throw new IllegalArgumentException(out + " is not a regular file; images are written to files (to put one on"
        + " a device, copy the file onto it)");
  }

  static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }
}

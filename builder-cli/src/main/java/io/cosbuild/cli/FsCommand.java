package io.cosbuild.cli;

import io.cosbuild.cli.build.Progress;
import io.cosbuild.cli.build.StagingDirectory;
import io.cosbuild.rootfs.source.FsSource;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.TreeException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
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
   * {@link FsSource#read(Path, Path)}). The staging directory and OUT, if SRC holds them, are left out:
   * an image of its own directory would otherwise hold the half-written image, and a rerun the last one.
   */
  static FsTree readSource(Path src, Path out, StagingDirectory staging, Progress progress) throws IOException,
      TreeException {
    try (Progress.Step step = progress.start("Reading " + (isStdin(src) ? STDIN : src))) {
      Path blobs = staging.directory().resolve(".tar-blobs");
      FsTree tree = isStdin(src) ? FsSource.readTar(System.in, STDIN, blobs)
          : FsSource.read(src, blobs, List.of(staging.directory(), out));
      step.done(String.format(Locale.ROOT, "%,d entries, %s of file content", tree.size() - 1,
          mib(tree.contentBytes())));
      return tree;
    }
  }

  private static final String STDIN = "standard input";

  /** SRC {@code -}: a tar archive on standard input ({@code tar c ... | cosbuild fs squashfs - OUT}). */
  static boolean isStdin(Path src) {
    return src.toString().equals("-");
  }

  static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }
}

package io.cosbuild.rootfs.squashfs;

import io.cosbuild.rootfs.source.FsSource;
import io.cosbuild.rootfs.tree.TreeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One-shot conversion behind {@code cosbuild fs squashfs SRC OUT}: a host directory (read in
 * place: owners, modes and {@code user.*} xattrs as the host reports them) or a tar archive
 * (owners, modes and xattrs from the archive; contents staged in a temporary blob store next to
 * OUT and removed afterwards) becomes a squashfs image at OUT. Stateless and thread-safe.
 */
public final class SquashfsBuild {

  private SquashfsBuild() {}

  public static SquashfsResult fromSource(Path src, Path out, SquashfsOptions options)
      throws IOException, SquashfsException, TreeException {
    Path parent = out.toAbsolutePath().getParent();
    Path staging = Files.createTempDirectory(parent, "." + out.getFileName() + ".blobs.");
    try {
      return SquashfsWriter.writeFile(FsSource.read(src, staging), out, options);
    } finally {
      deleteTree(staging);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}

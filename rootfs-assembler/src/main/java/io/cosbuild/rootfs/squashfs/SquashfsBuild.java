package io.cosbuild.rootfs.squashfs;

import io.cosbuild.rootfs.source.DirectorySource;
import io.cosbuild.rootfs.source.TarSource;
import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsTree;
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
    if (Files.isDirectory(src)) {
      // A symlink given as SRC is followed once; links inside the tree are kept as links.
      FsTree tree = DirectorySource.readInPlace(src.toRealPath());
      return SquashfsWriter.writeFile(tree, out, options);
    }
    if (!Files.isRegularFile(src)) {
      throw new IOException(src + " is neither a directory nor a tar archive");
    }
    Path parent = out.toAbsolutePath().getParent();
    Path staging = Files.createTempDirectory(parent, "." + out.getFileName() + ".blobs.");
    try {
      FsTree tree = TarSource.read(src, BlobStore.open(staging));
      return SquashfsWriter.writeFile(tree, out, options);
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

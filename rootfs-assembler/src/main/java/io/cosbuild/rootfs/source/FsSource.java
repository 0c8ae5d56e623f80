package io.cosbuild.rootfs.source;

import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.TreeException;
import io.cosbuild.rootfs.tree.Xattr;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The SRC of {@code cosbuild fs squashfs|ext4}: a host directory, read in place (owners, modes and
 * every xattr as the host reports them; a symlink given as SRC is followed once, links
 * inside stay links), or a tar archive, whose contents are unpacked into a blob store because the
 * writers read them in another order than the archive holds them. Stateless and thread-safe.
 */
public final class FsSource {

  private FsSource() {}

  /**
   * Reads {@code src}. A tar's contents go to a blob store in {@code tarBlobs}, which the caller
   * removes when the tree is no longer needed; a directory leaves it untouched. A directory's files
   * are not read: each is hashed only if a writer asks for its digest (see
   * {@link DirectorySource#readInPlace(Path, boolean)}).
   */
  public static FsTree read(Path src, Path tarBlobs) throws IOException, TreeException {
    return read(src, tarBlobs, List.of());
  }

  /**
   * Like {@link #read(Path, Path)}; a directory is read without the host paths in {@code leaveOut} (the
   * output and the staging directory, should they be inside it).
   */
  public static FsTree read(Path src, Path tarBlobs, List<Path> leaveOut) throws IOException, TreeException {
    if (Files.isDirectory(src)) {
      return DirectorySource.readInPlace(src.toRealPath(), false, leaveOut);
    }
    if (!Files.isRegularFile(src)) {
      throw new IOException(src + " is neither a directory nor a tar archive");
    }
    return withLinuxXattrs(TarSource.read(src, BlobStore.open(tarBlobs)));
  }

  /**
   * A tar archive, plain or compressed, read from {@code in} (standard input), called {@code name} in
   * messages; its contents go to a blob store in {@code tarBlobs}, as {@link #read(Path, Path)}'s do.
   */
  public static FsTree readTar(java.io.InputStream in, String name, Path tarBlobs) throws IOException, TreeException {
    return withLinuxXattrs(TarSource.readArchive(in, name, BlobStore.open(tarBlobs)));
  }

  /**
   * {@code tree}, if every xattr is one Linux could hold: an archive can carry any, and one beyond
   * the limits is bad input, refused here naming the path rather than by a writer (which refuses it
   * as well, for every other caller). A directory's come from the kernel and are within them.
   */
  private static FsTree withLinuxXattrs(FsTree tree) throws TreeException {
    for (Map.Entry<FsPath, FsNode> e : tree.entries().entrySet()) {
      Optional<String> problem = Xattr.linuxProblem(e.getValue().metadata().xattrs());
      if (problem.isPresent()) {
        throw new TreeException(e.getKey() + ": " + problem.get());
      }
    }
    return tree;
  }
}

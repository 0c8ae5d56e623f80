package io.cosbuild.rootfs.assembly;

import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.NodeMetadata;
import io.cosbuild.rootfs.tree.TreeException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Small helpers the steps share to read and write generated files. Stateless. */
final class TreeEdits {

  private TreeEdits() {}

  /** Writes (replacing) a root-owned text file with {@code mtime}, creating parents. */
  static FsPath writeText(FsTreeBuilder b, BlobStore store, String path, String text, int mode, long mtime, String origin)
      throws AssemblyException {
    return writeBytes(b, store, FsPath.parse(path), text.getBytes(StandardCharsets.UTF_8), mode, 0, 0, mtime, origin);
  }

  static FsPath writeBytes(FsTreeBuilder b, BlobStore store, FsPath path, byte[] content, int mode, int uid, int gid,
      long mtime, String origin) throws AssemblyException {
    try {
      ensureDirectories(b, path.parent(), mtime, origin);
      return b.replace(path, new FsNode.RegularFile(NodeMetadata.of(mode, uid, gid, mtime), store.put(content)), origin);
    } catch (TreeException e) {
      throw new AssemblyException(origin + ": cannot write " + path + ": " + e.getMessage(), e);
    }
  }

  /** Creates {@code dir} and its missing parents as root-owned 0755 directories. */
  static void ensureDirectories(FsTreeBuilder b, FsPath dir, long mtime, String origin) throws TreeException {
    if (dir.isRoot()) {
      return;
    }
    ensureDirectories(b, dir.parent(), mtime, origin);
    if (b.get(dir).isEmpty()) {
      b.add(dir, new FsNode.Directory(NodeMetadata.of(0755, 0, 0, mtime)), origin);
    }
  }

  static void symlink(FsTreeBuilder b, FsPath link, String target, long mtime, String origin) throws AssemblyException {
    try {
      ensureDirectories(b, link.parent(), mtime, origin);
      b.replace(link, new FsNode.Symlink(NodeMetadata.of(0777, 0, 0, mtime), target), origin);
    } catch (TreeException e) {
      throw new AssemblyException(origin + ": cannot create symlink " + link + " -> " + target + ": " + e.getMessage(), e);
    }
  }

  /** The content of the regular file at {@code path} (following symlinks), if there is one. */
  static Optional<String> readText(FsTree tree, FsPath path) throws AssemblyException {
    try {
      Optional<FsPath> p = tree.toBuilder().resolve(path);
      if (p.isEmpty() || !(tree.get(p.get()).orElse(null) instanceof FsNode.RegularFile f)) {
        return Optional.empty();
      }
      if (f.blob().size() > (16 << 20)) {
        throw new AssemblyException(path + " is too large to read as text (" + f.blob().size() + " bytes)");
      }
      return Optional.of(new String(f.blob().readAllBytes(), StandardCharsets.UTF_8));
    } catch (TreeException | IOException e) {
      throw new AssemblyException("cannot read " + path + " in the image: " + e.getMessage(), e);
    }
  }

  /**
   * The entries of each of {@code dirs} that is a directory in {@code tree} (a link to one followed, as
   * {@code /bin} to {@code usr/bin} in a merged /usr), directory by directory, by name; {@code links} resolves.
   */
  static List<FsPath> childrenOf(FsTree tree, FsTreeBuilder links, List<String> dirs) throws TreeException {
    List<FsPath> out = new ArrayList<>();
    for (String d : dirs) {
      Optional<FsPath> dir = links.resolve(FsPath.parse(d));
      if (dir.isPresent() && tree.get(dir.get()).orElse(null) instanceof FsNode.Directory) {
        for (String name : tree.children(dir.get())) {
          out.add(dir.get().resolve(name));
        }
      }
    }
    return out;
  }

  /** The first {@code max} bytes of a file. */
  static byte[] head(FsNode.RegularFile f, int max) throws IOException {
    try (InputStream in = f.blob().open()) {
      return in.readNBytes(max);
    }
  }
}

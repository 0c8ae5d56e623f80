package io.cosbuild.rootfs.source;

import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.NodeMetadata;
import io.cosbuild.rootfs.tree.TreeException;
import io.cosbuild.rootfs.tree.Xattr;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a host directory into an {@link FsTree}: owners, modes, mtimes, symlinks, hard links (by
 * device and inode), device nodes, fifos and sockets as the host reports them. Extended attributes
 * are read where the JDK can see them ({@code user.*} only); for {@code security.*} attributes
 * build from a tar archive instead. Stateless and thread-safe.
 */
public final class DirectorySource {

  /**
   * Numeric attributes only: "unix:*" would also resolve owner and group names through NSS for
   * every file, which costs more than the rest of the walk.
   */
  private static final String ATTRIBUTES = "unix:mode,uid,gid,nlink,dev,ino,rdev,lastModifiedTime";

  private DirectorySource() {}

  public static FsTree read(Path dir, BlobStore store) throws IOException, TreeException {
    return read(dir, store, false);
  }

  /**
   * Like {@link #read(Path, BlobStore)} but file contents stay where they are: blobs point at the
   * files under {@code dir} (hashed, not copied), so the caller must leave {@code dir} unchanged
   * while the tree is in use. For one-shot conversions such as {@code cosbuild fs squashfs DIR}.
   */
  public static FsTree readInPlace(Path dir) throws IOException, TreeException {
    return read(dir, null, true);
  }

  private static FsTree read(Path dir, BlobStore store, boolean inPlace) throws IOException, TreeException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(dir + " is not a directory");
    }
    Map<String, Object> rootAttrs = Files.readAttributes(dir, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
    FsTreeBuilder b = new FsTreeBuilder(metadata(dir, rootAttrs));
    Map<String, FsPath> firstNameOfInode = new HashMap<>();
    List<TreeException> failures = new ArrayList<>();
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
        visit(d);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
        visit(f);
        return FileVisitResult.CONTINUE;
      }

      private void visit(Path p) throws IOException {
        Path rel = dir.relativize(p);
        FsPath path = rel.toString().isEmpty() ? FsPath.ROOT : FsPath.parse(rel.toString());
        Map<String, Object> a = Files.readAttributes(p, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        NodeMetadata meta = metadata(p, a);
        int mode = (Integer) a.get("mode");
        try {
          switch (mode & 0170000) {
            case FsNode.S_IFDIR -> b.replace(path, new FsNode.Directory(meta), "directory");
            case FsNode.S_IFREG -> {
              int nlink = (Integer) a.get("nlink");
              String key = a.get("dev") + ":" + a.get("ino");
              FsPath first = nlink > 1 ? firstNameOfInode.putIfAbsent(key, path) : null;
              if (first != null) {
                b.addHardlink(path, first, "directory");
              } else {
                b.add(path, new FsNode.RegularFile(meta, inPlace ? BlobStore.hashInPlace(p) : store.putFile(p)), "directory");
              }
            }
            case FsNode.S_IFLNK -> b.add(path, new FsNode.Symlink(meta, Files.readSymbolicLink(p).toString()), "directory");
            case FsNode.S_IFCHR, FsNode.S_IFBLK -> {
              long rdev = (Long) a.get("rdev");
              int major = (int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL));
              int minor = (int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
              b.add(path, new FsNode.Device(meta, (mode & 0170000) == FsNode.S_IFBLK, major, minor), "directory");
            }
            case FsNode.S_IFIFO -> b.add(path, new FsNode.Fifo(meta), "directory");
            case FsNode.S_IFSOCK -> b.add(path, new FsNode.Socket(meta), "directory");
            default -> throw new IOException(p + ": unknown file type " + Integer.toOctalString(mode));
          }
        } catch (TreeException e) {
          failures.add(e);
        }
      }
    });
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
    return b.build();
  }

  private static NodeMetadata metadata(Path p, Map<String, Object> a) throws IOException {
    int mode = (Integer) a.get("mode");
    long mtime = ((FileTime) a.get("lastModifiedTime")).toMillis() / 1000;
    return new NodeMetadata(mode & 07777, (Integer) a.get("uid"), (Integer) a.get("gid"), Math.max(0, mtime), userXattrs(p, mode));
  }

  private static List<Xattr> userXattrs(Path p, int mode) throws IOException {
    int type = mode & 0170000;
    if (type != FsNode.S_IFREG && type != FsNode.S_IFDIR) {
      // Linux allows user.* xattrs only on files and directories; listing them opens the path,
      // which blocks forever on a fifo and may have side effects on a device node.
      return List.of();
    }
    UserDefinedFileAttributeView view = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    List<Xattr> out = new ArrayList<>();
    if (view == null) {
      return out;
    }
    try {
      for (String name : view.list()) {
        ByteBuffer buf = ByteBuffer.allocate(view.size(name));
        view.read(name, buf);
        out.add(new Xattr("user." + name, buf.array()));
      }
    } catch (IOException | UnsupportedOperationException e) {
      return out; // filesystems without xattr support have none to copy
    }
    return out;
  }
}

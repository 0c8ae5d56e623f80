package io.cosbuild.rootfs.source;

import io.cosbuild.rootfs.tree.Blob;
import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.NodeMetadata;
import io.cosbuild.rootfs.tree.TreeException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads a host directory into an {@link FsTree}: owners, modes, mtimes, symlinks, hard links (by
 * device and inode), device nodes, fifos and sockets as the host reports them, and every extended
 * attribute ({@link HostXattrs}: {@code security.*} and {@code trusted.*} too, on any kind of
 * node). Names, symlink targets and xattr names must be valid UTF-8 (and the JVM's locale UTF-8 to
 * read any that is not ASCII; see {@link HostNames}), owners at most 2147483647: anything else is a
 * {@link TreeException} naming the path. Stateless and thread-safe.
 */
public final class DirectorySource {

  /**
   * Numeric attributes only: "unix:*" would also resolve owner and group names through NSS for
   * every file, which costs more than the rest of the walk.
   */
  private static final String ATTRIBUTES = "unix:mode,uid,gid,nlink,dev,ino,rdev,size,lastModifiedTime";

  private DirectorySource() {}

  public static FsTree read(Path dir, BlobStore store) throws IOException, TreeException {
    return scan(dir, java.util.Objects.requireNonNull(store, "store"), true, Set.of());
  }

  /**
   * Like {@link #read(Path, BlobStore)} but file contents stay where they are: blobs point at the
   * files under {@code dir} (hashed, not copied), so the caller must leave {@code dir} unchanged
   * while the tree is in use. For one-shot conversions such as {@code cosbuild fs squashfs DIR}.
   */
  public static FsTree readInPlace(Path dir) throws IOException, TreeException {
    return scan(dir, null, true, Set.of());
  }

  /**
   * Like {@link #readInPlace(Path)} with {@code hash} false: file contents are not read at all, their
   * blobs {@linkplain Blob#unhashed compute their digests} when first asked. For writers that compare
   * contents only between files of the same size (squashfs): most files are then read once.
   */
  public static FsTree readInPlace(Path dir, boolean hash) throws IOException, TreeException {
    return scan(dir, null, hash, Set.of());
  }

  /**
   * Like {@link #readInPlace(Path, boolean)}, without the host files and directories in {@code leaveOut}
   * (and what is below them), matched by device and inode wherever under {@code dir} they are: the
   * image being written and its staging directory when they lie inside SRC, as mksquashfs leaves out
   * its destination. Paths in it that do not exist are ignored.
   */
  public static FsTree readInPlace(Path dir, boolean hash, Collection<Path> leaveOut) throws IOException,
      TreeException {
    Set<String> keys = new HashSet<>();
    for (Path p : leaveOut) {
      try {
        keys.add(inodeKey(Files.readAttributes(p, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS)));
      } catch (java.nio.file.NoSuchFileException e) {
        // nothing there to leave out
      }
    }
    return scan(dir, null, hash, keys);
  }

  private static String inodeKey(Map<String, Object> attributes) {
    return attributes.get("dev") + ":" + attributes.get("ino");
  }

  /**
   * Reads {@code dir}; file contents go to {@code store}, or stay in place when it is null, hashed now
   * (on all scan threads) or when first asked. Entries whose device and inode are in {@code leaveOut} are
   * skipped with everything below them.
   */
  private static FsTree scan(Path dir, BlobStore store, boolean hash, Set<String> leaveOut) throws IOException,
      TreeException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(dir + " is not a directory");
    }
    Map<String, Object> rootAttrs = Files.readAttributes(dir, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
    // Every entry's system calls (stat, xattrs, readlink) and content hashing run on all cores; the
    // entries join the tree afterwards in path order, so the result (which name of a hard-linked
    // inode comes first, too) does not depend on thread timing or on the host's readdir order.
    Entry[] entries = new Scan(store, hash, leaveOut).run(dir).toArray(new Entry[0]);
    Arrays.sort(entries, (x, y) -> x.path().compareTo(y.path()));
    // Paths from a real directory are canonical already: the tree is made directly, without the
    // builder's per-entry resolution. Names of one inode share the first name's node, and the inodes
    // with two or more names in the tree are numbered as link groups in path order.
    Map<String, Integer> names = new HashMap<>();
    for (Entry e : entries) {
      if (e.inodeKey() != null) {
        names.merge(e.inodeKey(), 1, Integer::sum);
      }
    }
    Map<String, FsNode> firstOfInode = new HashMap<>();
    TreeMap<FsPath, FsNode> nodes = new TreeMap<>();
    nodes.put(FsPath.ROOT, new FsNode.Directory(metadata(dir, rootAttrs)));
    for (Entry e : entries) {
      FsNode node = e.node();
      if (e.inodeKey() != null && names.get(e.inodeKey()) > 1) {
        FsNode first = firstOfInode.get(e.inodeKey());
        if (first == null) {
          FsNode.RegularFile f = (FsNode.RegularFile) node;
          first = new FsNode.RegularFile(f.metadata(), f.blob(), firstOfInode.size() + 1);
          firstOfInode.put(e.inodeKey(), first);
        }
        node = first;
      }
      nodes.put(e.path(), node);
    }
    return FsTree.ofCanonical(nodes);
  }

  private static final int SCAN_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());
  /** Entries of one directory handled by one task: large directories are spread over all threads. */
  private static final int ENTRIES_PER_TASK = 64;

  /**
   * One scanned path. {@code inodeKey} is set for regular files with more than one link, whose
   * names become hard links to the first of them in path order.
   */
  private record Entry(FsPath path, FsNode node, String inodeKey) {}

  /**
   * One parallel walk. Every directory listing and every batch of entries is a task of its own on a
   * fixed pool; no task waits for another (a counter of pending tasks says when all are done), so a
   * deep tree does not deepen any thread's stack. The first failure stops the walk.
   */
  private static final class Scan {
    /** Where file contents are copied; null reads them in place. */
    private final BlobStore store;
    /** Whether in-place contents are hashed during the walk. */
    private final boolean hash;
    /** Device and inode ({@link #inodeKey}) of the host entries not to read. */
    private final Set<String> leaveOut;
    private final Queue<Entry> out = new ConcurrentLinkedQueue<>();
    /** Content of hard-linked inodes, read once for all their names (git and perl ship hundreds). */
    private final ConcurrentHashMap<String, FutureTask<Blob>> linkedContent = new ConcurrentHashMap<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(SCAN_THREADS, r -> {
      Thread t = new Thread(r, "cosbuild-scan");
      t.setDaemon(true);
      return t;
    });
    private final AtomicInteger pending = new AtomicInteger();
    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    Scan(BlobStore store, boolean hash, Set<String> leaveOut) {
      this.store = store;
      this.hash = hash;
      this.leaveOut = leaveOut;
    }

    Queue<Entry> run(Path root) throws IOException, TreeException {
      try {
        submit(() -> list(root, FsPath.ROOT));
        done.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while reading " + root);
      } finally {
        pool.shutdownNow();
      }
      Throwable t = failure.get();
      if (t instanceof java.nio.file.DirectoryIteratorException d) {
        t = d.getCause();
      }
      if (t instanceof IOException io) {
        throw io;
      } else if (t instanceof TreeException te) {
        throw te;
      } else if (t instanceof RuntimeException re) {
        throw re;
      } else if (t instanceof Error err) {
        throw err;
      }
      return out;
    }

    private interface Work {
      void run() throws IOException, TreeException;
    }

    private void submit(Work w) {
      if (failure.get() != null) {
        return;
      }
      pending.incrementAndGet();
      pool.execute(() -> {
        try {
          if (failure.get() == null) {
            w.run();
          }
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        } finally {
          if (pending.decrementAndGet() == 0 || failure.get() != null) {
            done.countDown();
          }
        }
      });
    }

    /** Lists a directory and hands its entries out in batches: large directories use all threads. */
    private void list(Path dir, FsPath at) throws IOException, TreeException {
      List<Path> children = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        ds.forEach(children::add);
      }
      for (int i = 0; i < children.size(); i += ENTRIES_PER_TASK) {
        List<Path> batch = children.subList(i, Math.min(children.size(), i + ENTRIES_PER_TASK));
        submit(() -> {
          for (Path p : batch) {
            scan(p, at);
          }
        });
      }
    }

    private void scan(Path p, FsPath at) throws IOException, TreeException {
      FsPath path = at.resolve(HostNames.fileName(p));
      Map<String, Object> a = Files.readAttributes(p, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
      if (!leaveOut.isEmpty() && leaveOut.contains(inodeKey(a))) {
        return;
      }
      NodeMetadata meta = metadata(p, a);
      int mode = (Integer) a.get("mode");
      String inodeKey = null;
      FsNode node = switch (mode & 0170000) {
        case FsNode.S_IFDIR -> {
          submit(() -> list(p, path));
          yield new FsNode.Directory(meta);
        }
        case FsNode.S_IFREG -> {
          if ((Integer) a.get("nlink") > 1) {
            inodeKey = inodeKey(a);
          }
          yield new FsNode.RegularFile(meta, content(p, (Long) a.get("size"), inodeKey));
        }
        case FsNode.S_IFLNK -> node(p, () -> new FsNode.Symlink(meta,
            HostNames.symlinkTarget(p, Files.readSymbolicLink(p))));
        case FsNode.S_IFCHR, FsNode.S_IFBLK -> {
          long rdev = (Long) a.get("rdev");
          int major = (int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL));
          int minor = (int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
          yield node(p, () -> new FsNode.Device(meta, (mode & 0170000) == FsNode.S_IFBLK, major, minor));
        }
        case FsNode.S_IFIFO -> new FsNode.Fifo(meta);
        case FsNode.S_IFSOCK -> new FsNode.Socket(meta);
        default -> throw new IOException(p + ": unknown file type " + Integer.toOctalString(mode));
      };
      out.add(new Entry(path, node, inodeKey));
    }

    /** The file's blob; the names of one hard-linked inode share the first reader's. */
    private Blob content(Path p, long size, String inodeKey) throws IOException {
      if (inodeKey == null) {
        return read(p, size);
      }
      FutureTask<Blob> task = new FutureTask<>(() -> read(p, size));
      FutureTask<Blob> first = linkedContent.putIfAbsent(inodeKey, task);
      if (first == null) {
        task.run();
        first = task;
      }
      try {
        return first.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while reading " + p);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof IOException io) {
          throw io;
        } else if (e.getCause() instanceof RuntimeException re) {
          throw re;
        }
        throw new IOException(p + ": " + e.getCause(), e.getCause());
      }
    }

    private Blob read(Path p, long size) throws IOException {
      if (store != null) {
        return store.putFile(p);
      }
      return size == 0 ? BlobStore.emptyInPlace(p) : hash ? BlobStore.hashInPlace(p) : Blob.unhashed(size, p.toAbsolutePath());
    }
  }

  private interface NodeMaker {
    FsNode make() throws IOException, TreeException;
  }

  /** The node {@code make} returns; one the tree refuses is refused naming the path. */
  private static FsNode node(Path p, NodeMaker make) throws IOException, TreeException {
    try {
      return make.make();
    } catch (IllegalArgumentException e) {
      throw new TreeException(p + ": " + e.getMessage(), e);
    }
  }

  private static NodeMetadata metadata(Path p, Map<String, Object> a) throws IOException, TreeException {
    int mode = (Integer) a.get("mode");
    long mtime = ((FileTime) a.get("lastModifiedTime")).toMillis() / 1000;
    return new NodeMetadata(mode & 07777, owner(p, "uid", (Integer) a.get("uid")),
        owner(p, "gid", (Integer) a.get("gid")), Math.max(0, mtime), HostXattrs.read(p));
  }

  /** The JDK gives a uid_t as an int: ids from 2^31 on come out negative. */
  private static int owner(Path p, String what, int id) throws TreeException {
    if (id < 0) {
      throw new TreeException(p + ": " + what + " " + Integer.toUnsignedString(id) + " is above "
          + Integer.MAX_VALUE + ", the largest cosbuild supports");
    }
    return id;
  }
}

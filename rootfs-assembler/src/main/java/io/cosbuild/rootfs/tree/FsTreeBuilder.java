package io.cosbuild.rootfs.tree;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Mutable builder of an {@link FsTree}. Every path handed in is resolved the way the kernel would
 * resolve it inside the image: intermediate symlinks are followed (so {@code /bin/ls} lands on
 * {@code /usr/bin/ls} when {@code /bin -> usr/bin}, which is how merged-/usr canonicalisation
 * happens), a {@code ..} or symlink that would climb above the root is refused, and missing parent
 * directories are created with the default directory metadata. Each entry remembers its origin
 * (e.g. a package name) so a conflict names both sides. Not thread-safe.
 */
public final class FsTreeBuilder {

  private static final int MAX_SYMLINK_HOPS = 40;
  private static final String IMPLICIT = "(implicit parent directory)";

  private record Entry(FsNode node, String origin) {}

  private final TreeMap<FsPath, Entry> entries = new TreeMap<>();
  private final NodeMetadata defaultDirectory;
  private int nextLinkGroup = 1;

  public FsTreeBuilder(NodeMetadata defaultDirectory) {
    this.defaultDirectory = defaultDirectory;
    entries.put(FsPath.ROOT, new Entry(new FsNode.Directory(defaultDirectory), IMPLICIT));
  }

  static FsTreeBuilder from(FsTree tree) {
    FsTreeBuilder b = new FsTreeBuilder(tree.root().metadata());
    int maxGroup = 0;
    for (Map.Entry<FsPath, FsNode> e : tree.entries().entrySet()) {
      b.entries.put(e.getKey(), new Entry(e.getValue(), "(base tree)"));
      if (e.getValue() instanceof FsNode.RegularFile f) {
        maxGroup = Math.max(maxGroup, f.linkGroup());
      }
    }
    b.nextLinkGroup = maxGroup + 1;
    return b;
  }

  /**
   * Adds {@code node} at {@code path}. Adding the same thing twice is allowed (directories keep
   * the first explicit metadata); different content at one path is a {@link PathConflictException}.
   *
   * @return the canonical path the node was stored at
   */
  public FsPath add(FsPath path, FsNode node, String origin) throws TreeException {
    if (node instanceof FsNode.RegularFile f && f.linkGroup() != 0) {
      throw new IllegalArgumentException("use addHardlink for hard links");
    }
    FsPath target = canonicalParent(path, origin);
    Entry existing = entries.get(target);
    if (existing != null) {
      if (existing.node instanceof FsNode.Directory && node instanceof FsNode.Directory) {
        if (existing.origin.equals(IMPLICIT)) {
          entries.put(target, new Entry(node, origin));
        }
        return target;
      }
      if (sameThing(existing.node, node)) {
        return target;
      }
      throw new PathConflictException(target, existing.origin, origin, describe(existing.node) + " vs " + describe(node));
    }
    entries.put(target, new Entry(node, origin));
    return target;
  }

  /** Puts {@code node} at {@code path} whatever was there (a file, link or empty directory). */
  public FsPath replace(FsPath path, FsNode node, String origin) throws TreeException {
    FsPath target = canonicalParent(path, origin);
    Entry existing = entries.get(target);
    if (existing != null && existing.node instanceof FsNode.Directory && !(node instanceof FsNode.Directory)
        && hasChildren(target)) {
      throw new TreeException(target + ": " + origin + " cannot replace a non-empty directory");
    }
    if (node instanceof FsNode.Directory && existing != null && existing.node instanceof FsNode.Directory) {
      entries.put(target, new Entry(node, origin));
      return target;
    }
    entries.put(target, new Entry(node, origin));
    return target;
  }

  /** Makes {@code link} another name of the regular file at {@code target}. */
  public FsPath addHardlink(FsPath link, FsPath target, String origin) throws TreeException {
    FsPath resolvedTarget = canonicalParent(target, origin);
    Entry t = entries.get(resolvedTarget);
    if (t == null) {
      throw new TreeException(link + ": " + origin + " hard-links to missing " + target);
    }
    if (t.node instanceof FsNode.Directory) {
      throw new TreeException(link + ": " + origin + " hard-links to " + target + ", which is a " + describe(t.node));
    }
    if (!(t.node instanceof FsNode.RegularFile file)) {
      // GNU tar records a second name of a symlink, fifo, socket or device node as a hard link: it becomes a
      // node of its own with the same metadata, as a directory source gives such names.
      return add(link, t.node, origin);
    }
    FsNode.RegularFile grouped = file;
    if (file.linkGroup() == 0) {
      grouped = new FsNode.RegularFile(file.metadata(), file.blob(), nextLinkGroup++);
      entries.put(resolvedTarget, new Entry(grouped, t.origin));
    }
    FsPath where = canonicalParent(link, origin);
    Entry existing = entries.get(where);
    if (existing != null && !(existing.node instanceof FsNode.RegularFile ef && ef.linkGroup() == grouped.linkGroup())) {
      throw new PathConflictException(where, existing.origin, origin, describe(existing.node) + " vs hard link to " + target);
    }
    entries.put(where, new Entry(grouped, origin));
    return where;
  }

  /** Removes {@code path} (not following a final symlink) and everything below it. */
  public boolean remove(FsPath path) throws TreeException {
    FsPath target = canonicalParent(path, "remove");
    if (target.isRoot()) {
      throw new TreeException("cannot remove the root directory");
    }
    if (entries.remove(target) == null) {
      return false;
    }
    // Descendants sort directly after their directory, so they form one run.
    var it = entries.tailMap(target, false).keySet().iterator();
    while (it.hasNext() && it.next().startsWith(target)) {
      it.remove();
    }
    return true;
  }

  /** Looks up {@code path}, following symlinks in its parents but not a final one. */
  public Optional<FsNode> get(FsPath path) {
    try {
      Entry e = entries.get(resolveParentsOnly(path));
      return e == null ? Optional.empty() : Optional.of(e.node);
    } catch (TreeException e) {
      return Optional.empty();
    }
  }

  /** Which source put the entry at {@code path}, if any. */
  public Optional<String> origin(FsPath path) {
    Entry e = entries.get(path);
    return e == null ? Optional.empty() : Optional.of(e.origin);
  }

  /**
   * Resolves {@code path} completely, following a final symlink too, as {@code open()} would.
   * Returns empty for a dangling link.
   */
  public Optional<FsPath> resolve(FsPath path) throws TreeException {
    FsPath p = resolveParentsOnly(path);
    for (int hops = 0; hops < MAX_SYMLINK_HOPS; hops++) {
      Entry e = entries.get(p);
      if (e == null) {
        return Optional.empty();
      }
      if (!(e.node instanceof FsNode.Symlink s)) {
        return Optional.of(p);
      }
      p = resolveParentsOnly(join(p.parent(), s.target(), p));
    }
    throw new UnsafePathException(path + ": too many levels of symbolic links");
  }

  /** All canonical paths, parents first. */
  public List<FsPath> paths() {
    return new ArrayList<>(entries.keySet());
  }

  /** Applies {@code f} to every node's metadata, e.g. to clamp mtimes. */
  public void mapMetadata(java.util.function.BiFunction<FsPath, NodeMetadata, NodeMetadata> change) {
    for (Map.Entry<FsPath, Entry> e : entries.entrySet()) {
      FsNode n = e.getValue().node;
      NodeMetadata m = change.apply(e.getKey(), n.metadata());
      if (!m.equals(n.metadata())) {
        e.setValue(new Entry(n.withMetadata(m), e.getValue().origin));
      }
    }
    // Names of one hard-linked file share their inode, so keep their metadata equal.
    Map<Integer, NodeMetadata> first = new HashMap<>();
    for (Map.Entry<FsPath, Entry> e : entries.entrySet()) {
      if (e.getValue().node instanceof FsNode.RegularFile f && f.linkGroup() != 0) {
        NodeMetadata m = first.computeIfAbsent(f.linkGroup(), g -> f.metadata());
        if (!m.equals(f.metadata())) {
          e.setValue(new Entry(f.withMetadata(m), e.getValue().origin));
        }
      }
    }
  }

  /**
   * The finished tree. Hard-link groups are renumbered in path order so the result does not depend
   * on the order entries were added in.
   */
  public FsTree build() {
    TreeMap<FsPath, FsNode> out = new TreeMap<>();
    Map<Integer, Integer> renumber = new HashMap<>();
    Map<Integer, Integer> sizes = new HashMap<>();
    for (Entry e : entries.values()) {
      if (e.node instanceof FsNode.RegularFile f && f.linkGroup() != 0) {
        sizes.merge(f.linkGroup(), 1, Integer::sum);
      }
    }
    for (Map.Entry<FsPath, Entry> e : entries.entrySet()) {
      FsNode n = e.getValue().node;
      if (n instanceof FsNode.RegularFile f && f.linkGroup() != 0) {
        int group = sizes.get(f.linkGroup()) < 2 ? 0
            : renumber.computeIfAbsent(f.linkGroup(), g -> renumber.size() + 1);
        n = new FsNode.RegularFile(f.metadata(), f.blob(), group);
      }
      out.put(e.getKey(), n);
    }
    return new FsTree(out);
  }

  // --- path resolution ---

  /** Canonical path of {@code path} with its parents resolved; creates missing parent directories. */
  private FsPath canonicalParent(FsPath path, String origin) throws TreeException {
    if (path.isRoot()) {
      return FsPath.ROOT;
    }
    FsPath parent = resolveDirectory(path.parent(), true, origin);
    return parent.resolve(path.name());
  }

  private FsPath resolveParentsOnly(FsPath path) throws TreeException {
    if (path.isRoot()) {
      return FsPath.ROOT;
    }
    return resolveDirectory(path.parent(), false, "lookup").resolve(path.name());
  }

  /** Follows every component of {@code dir} through symlinks; the result is a directory path. */
  private FsPath resolveDirectory(FsPath dir, boolean create, String origin) throws TreeException {
    // Every key is a canonical path whose ancestors are directories (replace refuses to turn a
    // non-empty directory into anything else, remove takes descendants along), so a directory
    // found under its own name needs no walk: the common case, and linear instead of quadratic
    // in the depth.
    Entry self = entries.get(dir);
    if (self != null && self.node instanceof FsNode.Directory) {
      return dir;
    }
    Deque<String> todo = new ArrayDeque<>(dir.components());
    FsPath current = FsPath.ROOT;
    int hops = 0;
    while (!todo.isEmpty()) {
      String c = todo.pollFirst();
      if (c.equals("..")) {
        if (current.isRoot()) {
          throw new UnsafePathException(dir + ": a symbolic link on the way climbs above the image root (" + origin + ")");
        }
        current = current.parent();
        continue;
      }
      FsPath next = current.resolve(c);
      Entry e = entries.get(next);
      if (e == null) {
        if (!create) {
          return next; // lookups of missing paths simply find nothing
        }
        entries.put(next, new Entry(new FsNode.Directory(defaultDirectory), IMPLICIT));
        current = next;
      } else if (e.node instanceof FsNode.Directory) {
        current = next;
      } else if (e.node instanceof FsNode.Symlink s) {
        if (++hops > MAX_SYMLINK_HOPS) {
          throw new UnsafePathException(dir + ": too many levels of symbolic links (" + origin + ")");
        }
        List<String> target = splitTarget(s.target());
        for (int i = target.size() - 1; i >= 0; i--) {
          todo.addFirst(target.get(i));
        }
        if (s.target().startsWith("/")) {
          current = FsPath.ROOT;
        }
      } else {
        throw new UnsafePathException(dir + ": " + next + " is a " + describe(e.node) + ", not a directory (" + origin + ")");
      }
    }
    return current;
  }

  private static List<String> splitTarget(String target) {
    List<String> out = new ArrayList<>();
    for (String c : target.split("/")) {
      if (!c.isEmpty() && !c.equals(".")) {
        out.add(c);
      }
    }
    return out;
  }

  private static FsPath join(FsPath base, String target, FsPath context) throws UnsafePathException {
    Deque<String> stack = new ArrayDeque<>(target.startsWith("/") ? List.of() : base.components());
    for (String c : splitTarget(target)) {
      if (c.equals("..")) {
        if (stack.isEmpty()) {
          throw new UnsafePathException(context + " -> " + target + " climbs above the image root");
        }
        stack.removeLast();
      } else {
        stack.addLast(c);
      }
    }
    FsPath p = FsPath.ROOT;
    for (String c : stack) {
      p = p.resolve(c);
    }
    return p;
  }

  private boolean hasChildren(FsPath dir) {
    FsPath next = entries.higherKey(dir);
    return next != null && next.startsWith(dir) && !next.equals(dir);
  }

  private static boolean sameThing(FsNode a, FsNode b) {
    if (a instanceof FsNode.RegularFile x && b instanceof FsNode.RegularFile y) {
      return x.blob().sameContent(y.blob()) && x.metadata().equals(y.metadata());
    }
    return a.equals(b);
  }

  private static String describe(FsNode n) {
    if (n instanceof FsNode.Directory) {
      return "directory";
    } else if (n instanceof FsNode.RegularFile f) {
      return "file (sha256 " + f.blob().sha256().substring(0, 12) + ", " + f.blob().size() + " bytes)";
    } else if (n instanceof FsNode.Symlink s) {
      return "symlink -> " + s.target();
    } else if (n instanceof FsNode.Device d) {
      return (d.block() ? "block" : "char") + " device " + d.major() + ":" + d.minor();
    } else if (n instanceof FsNode.Fifo) {
      return "fifo";
    }
    return "socket";
  }
}

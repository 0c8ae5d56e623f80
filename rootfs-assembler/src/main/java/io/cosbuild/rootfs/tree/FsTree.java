package io.cosbuild.rootfs.tree;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable root filesystem: every path with its node, in one fixed order (parents before
 * children, siblings by UTF-8 bytes of their names), so every writer that walks it produces the
 * same bytes whatever order the tree was built in. Symlinks are not followed by any lookup here:
 * paths are the canonical ones the {@link FsTreeBuilder} produced. Immutable and thread-safe.
 */
public final class FsTree {

  private final NavigableMap<FsPath, FsNode> nodes;
  private final Map<FsPath, List<String>> children;
  private final Map<Integer, Integer> linkCounts;

  FsTree(NavigableMap<FsPath, FsNode> nodes) {
    if (!(nodes.get(FsPath.ROOT) instanceof FsNode.Directory)) {
      throw new IllegalArgumentException("a tree needs a root directory");
    }
    this.nodes = Collections.unmodifiableNavigableMap(new TreeMap<>(nodes));
    Map<FsPath, List<String>> kids = new HashMap<>();
    Map<Integer, Integer> links = new HashMap<>();
    for (Map.Entry<FsPath, FsNode> e : this.nodes.entrySet()) {
      FsPath p = e.getKey();
      if (e.getValue() instanceof FsNode.Directory) {
        kids.put(p, new ArrayList<>());
      }
      if (!p.isRoot()) {
        List<String> siblings = kids.get(p.parent());
        if (siblings == null) {
          throw new IllegalArgumentException("parent of " + p + " is not a directory");
        }
        siblings.add(p.name());
      }
      if (e.getValue() instanceof FsNode.RegularFile f && f.linkGroup() != 0) {
        links.merge(f.linkGroup(), 1, Integer::sum);
      }
    }
    kids.replaceAll((k, v) -> List.copyOf(v));
    this.children = kids;
    this.linkCounts = links;
  }

  /**
   * A tree from nodes already at their canonical paths, as a scan of a real directory finds them:
   * every parent present and a directory, no symlinks to resolve, and the names of one hard-link group
   * sharing one node, the groups numbered from 1 in path order. Saves the
   * {@link FsTreeBuilder}'s per-entry path resolution, which such a source does not need.
   *
   * @throws IllegalArgumentException if the root or a parent is not a directory, or a link group's
   *     names have different nodes
   */
  public static FsTree ofCanonical(SortedMap<FsPath, FsNode> nodes) {
    if (nodes.comparator() != null) {
      throw new IllegalArgumentException("nodes must be in FsPath order");
    }
    Map<Integer, FsNode> groups = new HashMap<>();
    for (FsNode n : nodes.values()) {
      if (n instanceof FsNode.RegularFile f && f.linkGroup() != 0) {
        FsNode first = groups.putIfAbsent(f.linkGroup(), f);
        if (first == null && f.linkGroup() != groups.size()) {
          throw new IllegalArgumentException("link group " + f.linkGroup() + " is not numbered in path order");
        }
        if (first != null && !first.equals(f)) {
          throw new IllegalArgumentException("names of link group " + f.linkGroup() + " differ: " + first + " vs " + f);
        }
      }
    }
    return new FsTree(nodes instanceof NavigableMap<FsPath, FsNode> m ? m : new TreeMap<>(nodes));
  }

  public FsNode.Directory root() {
    return (FsNode.Directory) nodes.get(FsPath.ROOT);
  }

  public Optional<FsNode> get(FsPath path) {
    return Optional.ofNullable(nodes.get(path));
  }

  public boolean contains(FsPath path) {
    return nodes.containsKey(path);
  }

  /** Names of the entries of a directory, sorted by UTF-8 bytes. */
  public List<String> children(FsPath directory) {
    List<String> c = children.get(directory);
    if (c == null) {
      throw new IllegalArgumentException("not a directory in this tree: " + directory);
    }
    return c;
  }

  /** Every path with its node, parents first, siblings by name. */
  public NavigableMap<FsPath, FsNode> entries() {
    return nodes;
  }

  public int size() {
    return nodes.size();
  }

  /** How many names a file has: 1, or the size of its hard-link group. */
  public int linkCount(FsNode.RegularFile file) {
    return file.linkGroup() == 0 ? 1 : linkCounts.getOrDefault(file.linkGroup(), 1);
  }

  /** A directory's link count as Linux filesystems report it: 2 plus its subdirectories. */
  public int directoryLinkCount(FsPath directory) {
    int n = 2;
    for (String name : children(directory)) {
      if (nodes.get(directory.resolve(name)) instanceof FsNode.Directory) {
        n++;
      }
    }
    return n;
  }

  /** Sum of the sizes of all regular file contents, counting hard-linked content once. */
  public long contentBytes() {
    long total = 0;
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (FsNode n : nodes.values()) {
      if (n instanceof FsNode.RegularFile f && (f.linkGroup() == 0 || seen.add(f.linkGroup()))) {
        total += f.blob().size();
      }
    }
    return total;
  }

  /** A builder holding this tree's entries, for steps that derive a new tree from this one. */
  public FsTreeBuilder toBuilder() {
    return FsTreeBuilder.from(this);
  }
}

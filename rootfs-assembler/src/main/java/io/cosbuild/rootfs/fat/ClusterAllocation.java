package io.cosbuild.rootfs.fat;

import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * The clusters of each directory and file of a tree, and the FAT entries that chain them: one contiguous run
 * each, from cluster 2 up, in the tree's order (a directory, then what it holds, depth first), so the root is at
 * cluster 2. Empty files have no clusters. Immutable after {@link #plan}; not shared between threads.
 */
final class ClusterAllocation {

  private static final int END_OF_CHAIN = 0x0FFF_FFFF;
  /** FAT[0]: the media descriptor 0xF8 in the low byte, the rest set. */
  private static final int MEDIA_ENTRY = 0x0FFF_FFF8;

  private final Map<FsPath, Long> firstCluster = new HashMap<>();
  /** Bit c - 2 set: cluster c ends its chain. */
  private final BitSet chainEnds = new BitSet();
  private long used;

  private ClusterAllocation() {}

  /** Allocates every directory and file of {@code tree}; the caller has checked they fit the filesystem. */
  static ClusterAllocation plan(FsTree tree, int clusterBytes) {
    ClusterAllocation a = new ClusterAllocation();
    for (Map.Entry<FsPath, FsNode> e : tree.entries().entrySet()) {
      long n = clustersOf(tree, e.getKey(), e.getValue(), clusterBytes);
      if (n > 0) {
        a.firstCluster.put(e.getKey(), 2 + a.used);
        a.used += n;
        a.chainEnds.set(Math.toIntExact(a.used - 1));
      }
    }
    return a;
  }

  /** What {@link #plan} would use, without the map. */
  static long clustersNeeded(FsTree tree, int clusterBytes) {
    long n = 0;
    for (Map.Entry<FsPath, FsNode> e : tree.entries().entrySet()) {
      n += clustersOf(tree, e.getKey(), e.getValue(), clusterBytes);
    }
    return n;
  }

  /** Entries of a directory: the root's volume label, or "." and "..", then one per child. */
  static int entryCount(FsTree tree, FsPath directory) {
    return (directory.isRoot() ? 1 : 2) + tree.children(directory).size();
  }

  /** Clusters of a file, or of a directory (which has at least one entry, so at least one cluster). */
  static long clustersOf(FsTree tree, FsPath path, FsNode node, int clusterBytes) {
    long bytes = node instanceof FsNode.RegularFile f ? f.blob().size()
        : (long) entryCount(tree, path) * DirectoryEntry.SIZE;
    return (bytes + clusterBytes - 1) / clusterBytes;
  }

  /** The first cluster of a directory or file; 0 for an empty file. */
  long firstCluster(FsPath path) {
    return firstCluster.getOrDefault(path, 0L);
  }

  long usedClusters() {
    return used;
  }

  /** FAT entry {@code index}: the next cluster of a chain, its end, or 0 for a free cluster. */
  int fatEntry(long index) {
    if (index == 0) {
      return MEDIA_ENTRY;
    } else if (index == 1) {
      return END_OF_CHAIN;
    } else if (index - 2 >= used) {
      return 0;
    }
    return chainEnds.get((int) (index - 2)) ? END_OF_CHAIN : (int) (index + 1);
  }
}

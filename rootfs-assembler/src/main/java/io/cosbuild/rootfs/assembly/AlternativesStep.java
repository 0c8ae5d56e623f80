package io.cosbuild.rootfs.assembly;

import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.TreeException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Creates the symlinks update-alternatives would have made in maintainer scripts:
 * {@code link -> /etc/alternatives/<name> -> path}. The plan's alternatives win; then, when
 * {@code knownDefaults} is set, Debian's usual choices for programs present in the tree (iptables
 * and ip6tables on nft, awk on mawk) fill in links that are still missing. An alternative whose
 * path is not in the tree is refused. Each choice is also recorded in
 * {@code /var/lib/dpkg/alternatives/<name>} (manual mode, one choice, priority 0, no slaves), so
 * {@code update-alternatives --query} reports it. Immutable and thread-safe.
 */
public final class AlternativesStep {

  private static final String ORIGIN = "alternatives";

  private final List<Alternative> alternatives;
  private final boolean knownDefaults;
  private final BlobStore store;
  private final long epoch;

  public AlternativesStep(List<Alternative> alternatives, boolean knownDefaults, BlobStore store, long epoch) {
    this.alternatives = List.copyOf(alternatives);
    this.knownDefaults = knownDefaults;
    this.store = store;
    this.epoch = epoch;
  }

  /** Debian's default choices, keyed by alternative name; applied only when their path exists. */
  static List<Alternative> knownDefaults() {
    List<Alternative> out = new ArrayList<>();
    for (String v : List.of("iptables", "ip6tables")) {
      out.add(Alternative.of(v, "/usr/sbin/" + v, "/usr/sbin/" + v.replace("tables", "tables-nft")));
      out.add(Alternative.of(v + "-restore", "/usr/sbin/" + v + "-restore", "/usr/sbin/" + v.replace("tables", "tables-nft") + "-restore"));
      out.add(Alternative.of(v + "-save", "/usr/sbin/" + v + "-save", "/usr/sbin/" + v.replace("tables", "tables-nft") + "-save"));
    }
    out.add(Alternative.of("awk", "/usr/bin/awk", "/usr/bin/mawk"));
    return out;
  }

  public FsTree apply(FsTree tree) throws AssemblyException {
    FsTreeBuilder b = tree.toBuilder();
    Map<String, Alternative> chosen = new LinkedHashMap<>();
    for (Alternative a : alternatives) {
      if (chosen.putIfAbsent(a.name(), a) != null) {
        throw new AssemblyException("alternatives: " + a.name() + " is given twice; keep one choice");
      }
      if (!exists(b, a.path())) {
        throw new AssemblyException("alternatives: " + a.name() + " should point at " + a.path()
            + ", which no installed package provides; add its package or drop the alternative");
      }
    }
    if (knownDefaults) {
      for (Alternative a : knownDefaults()) {
        if (!chosen.containsKey(a.name()) && exists(b, a.path()) && b.get(a.link()).isEmpty()) {
          chosen.put(a.name(), a);
        }
      }
    }
    for (Alternative a : chosen.values()) {
      Optional<FsNode> at = b.get(a.link());
      if (at.isPresent() && !(at.get() instanceof FsNode.Symlink)) {
        throw new AssemblyException("alternatives: " + a.link() + " is a file from a package, not a link; "
            + a.name() + " cannot replace it");
      }
      FsPath admin = FsPath.parse("/etc/alternatives").resolve(a.name());
      TreeEdits.symlink(b, admin, a.path().value(), epoch, ORIGIN);
      TreeEdits.symlink(b, a.link(), admin.value(), epoch, ORIGIN);
      // update-alternatives' database: mode, master link, (no slaves), blank line, then the one
      // choice (path, priority) and a closing blank line. Manual: the profile chose it.
      TreeEdits.writeText(b, store, "/var/lib/dpkg/alternatives/" + a.name(),
          "manual\n" + a.link() + "\n\n" + a.path() + "\n0\n\n", 0644, epoch, ORIGIN);
    }
    return b.build();
  }

  private static boolean exists(FsTreeBuilder b, FsPath p) throws AssemblyException {
    try {
      return b.resolve(p).isPresent();
    } catch (TreeException e) {
      throw new AssemblyException("alternatives: " + p + ": " + e.getMessage(), e);
    }
  }
}

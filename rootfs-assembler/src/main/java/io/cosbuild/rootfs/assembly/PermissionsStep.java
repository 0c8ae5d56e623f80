package io.cosbuild.rootfs.assembly;

import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.NodeMetadata;
import io.cosbuild.rootfs.tree.TreeException;
import io.cosbuild.rootfs.tree.Xattr;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Sets the profile's owners, modes and file capabilities ({@code security.permissions}), the work
 * {@code dpkg-statoverride} and {@code setcap} do in maintainer scripts, which cosbuild does not run. Names
 * are looked up in the image's own {@code /etc/passwd} and {@code /etc/group}, so it runs after the accounts
 * are made; every path must exist and not be a symlink, so a misspelt entry fails the build. Owner and mode
 * changes are recorded in {@code /var/lib/dpkg/statoverride}, as dpkg-statoverride records them, so dpkg keeps
 * them on an upgrade. Immutable.
 */
public final class PermissionsStep {

  static final String ORIGIN = "permissions";
  static final FsPath STATOVERRIDE = FsPath.parse("/var/lib/dpkg/statoverride");

  private final List<Permission> permissions;
  private final boolean recordInDpkg;
  private final BlobStore blobs;
  private final long epoch;

  /** @param recordInDpkg write {@code /var/lib/dpkg/statoverride} (the image has a dpkg database) */
  public PermissionsStep(List<Permission> permissions, boolean recordInDpkg, BlobStore blobs, long epoch) {
    this.permissions = List.copyOf(permissions);
    this.recordInDpkg = recordInDpkg;
    this.blobs = blobs;
    this.epoch = epoch;
  }

  public FsTree apply(FsTree tree) throws AssemblyException {
    if (permissions.isEmpty()) {
      return tree;
    }
    Accounts users = Accounts.read(tree, "/etc/passwd");
    Accounts groups = Accounts.read(tree, "/etc/group");
    FsTreeBuilder b = tree.toBuilder();
    Map<FsPath, NodeMetadata> changes = new TreeMap<>();
    Map<FsPath, String> overrides = new TreeMap<>();
    for (Permission p : permissions) {
      String field = "security.permissions " + p.path();
      FsPath path;
      try {
        path = canonical(b, p.path()).orElse(null);
      } catch (TreeException | IllegalArgumentException e) {
        throw new AssemblyException(field + ": " + e.getMessage(), e);
      }
      FsNode node = path == null ? null : b.get(path).orElse(null);
      if (node == null) {
        throw new AssemblyException(field + ": no such file or directory in the image");
      }
      if (node instanceof FsNode.Symlink s) {
        throw new AssemblyException(field + ": is a symlink (to " + s.target() + "); name the file it points to");
      }
      if (changes.containsKey(path)) {
        throw new AssemblyException(field + ": the same file as another entry (" + path + ")");
      }
      NodeMetadata m = node.metadata();
      int uid = p.owner() == null ? m.uid() : users.id(p.owner(), field + ": owner");
      int gid = p.group() == null ? m.gid() : groups.id(p.group(), field + ": group");
      m = m.withOwner(uid, gid);
      if (p.mode() != null) {
        m = m.withPermissions(p.mode());
      }
      if (p.capabilities() != null) {
        if (!(node instanceof FsNode.RegularFile)) {
          throw new AssemblyException(field + ": capabilities need a regular file");
        }
        List<Xattr> xattrs = new ArrayList<>(m.xattrs());
        xattrs.removeIf(x -> x.name().equals(CapabilityXattr.NAME));
        xattrs.add(CapabilityXattr.of(p.capabilities()));
        m = m.withXattrs(xattrs);
      }
      changes.put(path, m);
      if (p.owner() != null || p.group() != null || p.mode() != null) {
        overrides.put(path, users.name(uid) + " " + groups.name(gid) + " " + Integer.toOctalString(m.permissions()));
      }
    }
    // Names of one hard-linked file share its inode: each gets the change.
    Map<Integer, NodeMetadata> byLinkGroup = new HashMap<>();
    for (Map.Entry<FsPath, NodeMetadata> c : changes.entrySet()) {
      if (tree.get(c.getKey()).orElseThrow() instanceof FsNode.RegularFile f && f.linkGroup() != 0
          && byLinkGroup.put(f.linkGroup(), c.getValue()) != null) {
        throw new AssemblyException("security.permissions " + c.getKey() + ": a hard link of another entry's file");
      }
    }
    b.mapMetadata((path, m) -> {
      NodeMetadata c = changes.get(path);
      if (c == null && tree.get(path).orElse(null) instanceof FsNode.RegularFile f && f.linkGroup() != 0) {
        c = byLinkGroup.get(f.linkGroup());
      }
      return c == null ? m : c;
    });
    if (recordInDpkg && !overrides.isEmpty()) {
      StringBuilder text = new StringBuilder();
      overrides.forEach((path, stat) -> text.append(stat).append(' ').append(path).append('\n'));
      TreeEdits.writeText(b, blobs, STATOVERRIDE.toString(), text.toString(), 0644, epoch, ORIGIN);
    }
    return b.build();
  }

  /** The canonical paths of the entries {@code tree} has, for the audit. */
  public Set<FsPath> paths(FsTree tree) {
    FsTreeBuilder b = tree.toBuilder();
    Set<FsPath> out = new TreeSet<>();
    for (Permission p : permissions) {
      try {
        canonical(b, p.path()).ifPresent(out::add);
      } catch (TreeException | IllegalArgumentException e) {
        // apply() refused it already
      }
    }
    return out;
  }

  /** {@code path} with the links in its parents followed, as chown and chmod follow them; empty when a parent is missing. */
  private static Optional<FsPath> canonical(FsTreeBuilder b, String path) throws TreeException {
    FsPath p = FsPath.parse(path);
    if (p.isRoot()) {
      return Optional.of(p);
    }
    return b.resolve(p.parent()).map(parent -> parent.resolve(p.name()));
  }

  /** Names and ids of {@code /etc/passwd} or {@code /etc/group} (name:x:id:...), first entry of a name or id winning. */
  private record Accounts(String file, Map<String, Integer> ids, Map<Integer, String> names) {

    static Accounts read(FsTree tree, String file) throws AssemblyException {
      Map<String, Integer> ids = new HashMap<>();
      Map<Integer, String> names = new HashMap<>();
      for (String line : TreeEdits.readText(tree, FsPath.parse(file)).orElse("").split("\n")) {
        String[] f = line.split(":", -1);
        if (f.length >= 3 && f[2].matches("\\d{1,10}") && Long.parseLong(f[2]) <= Integer.MAX_VALUE) {
          int id = Integer.parseInt(f[2]);
          ids.putIfAbsent(f[0], id);
          names.putIfAbsent(id, f[0]);
        }
      }
      return new Accounts(file, ids, names);
    }

    int id(String nameOrId, String field) throws AssemblyException {
      if (nameOrId.matches("\\d{1,10}") && Long.parseLong(nameOrId) <= Integer.MAX_VALUE) {
        return Integer.parseInt(nameOrId);
      }
      Integer id = ids.get(nameOrId);
      if (id == null) {
        throw new AssemblyException(field + ": no '" + nameOrId + "' in the image's " + file);
      }
      return id;
    }

    /** As dpkg-statoverride writes an owner: the name, or #id where the id has none. */
    String name(int id) {
      String n = names.get(id);
      return n == null ? "#" + id : n;
    }
  }
}

package io.cosbuild.rootfs.assembly;

import io.cosbuild.rootfs.dpkg.PackageContent;
import io.cosbuild.rootfs.dpkg.InstalledPackage;
import io.cosbuild.rootfs.dpkg.PackageException;
import io.cosbuild.rootfs.dpkg.ReadAhead;
import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.NodeMetadata;
import io.cosbuild.rootfs.tree.PathConflictException;
import io.cosbuild.rootfs.tree.TreeException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks packages' data archives into one tree, in install order, the way dpkg would on a Debian
 * bookworm system with merged {@code /usr}: first {@code /bin}, {@code /sbin}, {@code /lib*} become
 * symlinks into {@code /usr}, so every entry below them lands on its canonical {@code /usr} path,
 * and a package's directory entry for such a symlink keeps the symlink (as dpkg does).
 *
 * <p>Refused, with an error naming the package: absolute entry names and hard-link targets,
 * {@code ..} components, entries that reach through a symlink out of the root, hard links to
 * missing files, files whose md5 differs from the package's {@code md5sums}, unreadable or
 * truncated archives, and two packages writing different things to one path unless
 * {@code overrides} names the package that wins for that (canonical) path, or the later package
 * declares {@code Replaces} on the earlier one (dpkg's rule; the version constraint is not
 * checked). Nothing is written anywhere but the blob store. Stateless; the returned tree is
 * immutable.
 */
public final class PackageExtractor {

  private static final String MERGED_USR = "merged-/usr layout";

  private PackageExtractor() {}

  /** The tree and what each package installed. */
  public record Extraction(FsTree tree, List<InstalledPackage> packages) {
    public Extraction {
      packages = List.copyOf(packages);
    }
  }

  /**
   * Extracts {@code packages} in order.
   *
   * @param mergedUsr top-level names made symlinks into {@code /usr} first (e.g. bin, sbin, lib, lib64)
   * @param overrides canonical path -> name of the package whose entry wins a conflict there
   * @param rootMetadata metadata of the root and of directories no package declared
   */
  public static Extraction extract(List<PackageContent> packages, List<String> mergedUsr, Map<FsPath, String> overrides,
      BlobStore store, NodeMetadata rootMetadata) throws PackageException {
    return extract(packages, mergedUsr, overrides, store, rootMetadata, SharedReads.NONE, placed -> { });
  }

  /**
   * {@link #extract(List, List, Map, BlobStore, NodeMetadata)}, taking the archives {@code shared} has read already;
   * {@code progress} is told how many packages are in the tree after each one (for a display).
   */
  public static Extraction extract(List<PackageContent> packages, List<String> mergedUsr, Map<FsPath, String> overrides,
      BlobStore store, NodeMetadata rootMetadata, SharedReads shared, IntConsumer progress) throws PackageException {
    FsTreeBuilder b = new FsTreeBuilder(rootMetadata);
    try {
      for (String dir : mergedUsr) {
        FsPath.checkName(dir, "merged-/usr directories");
        b.add(FsPath.ROOT.resolve("usr").resolve(dir), new FsNode.Directory(rootMetadata), MERGED_USR);
        b.add(FsPath.ROOT.resolve(dir), new FsNode.Symlink(rootMetadata.withPermissions(0777), "usr/" + dir), MERGED_USR);
      }
    } catch (TreeException e) {
      throw new IllegalStateException(e);
    }
    Set<String> seen = new HashSet<>();
    List<InstalledPackage> installed = new ArrayList<>();
    // Decompressing the data archives (xz, in Java) is most of the work and needs no tree: it runs on every core,
    // in install order, while this thread places each package's entries in order, so the tree, and which error a
    // bad package list gives, are what one thread would make.
    List<ReadAhead.Read<List<Entry>>> reads = new ArrayList<>();
    long[] costs = new long[packages.size()];
    for (int i = 0; i < packages.size(); i++) {
      PackageContent p = packages.get(i);
      reads.add(() -> shared.read(p, store));
      costs[i] = p.installedSizeKiB(); // what there is to decompress
    }
    try (ReadAhead<List<Entry>> ahead = new ReadAhead<>(reads, costs, "package-reader")) {
      for (int i = 0; i < packages.size(); i++) {
        PackageContent p = packages.get(i);
        if (!seen.add(p.name() + ":" + p.architecture())) {
          throw new PackageException(p.id() + ": appears twice in the install list");
        }
        installed.add(place(b, p, ahead.get(i), overrides));
        progress.accept(i + 1);
      }
    }
    return new Extraction(b.build(), installed);
  }

  /**
   * Data archives read by one extraction and kept for another in the same build: the kernel package is both in
   * the root (for its modules) and in the boot set, and decoding its data archive (100 MB of xz) takes seconds.
   * Only the packages given are kept, each as its checked entries (file contents are in the blob store).
   * {@linkplain #persistent Persistent} reads are also kept for later builds beside the blob store
   * ({@link ExtractedIndex}). Thread-safe.
   */
  public static final class SharedReads {
    static final SharedReads NONE = new SharedReads(List.of());

    private final Set<String> kept = new HashSet<>();
    private final Map<String, List<Entry>> entries = new ConcurrentHashMap<>();
    private final boolean persistent;

    /** Keeps what is read of {@code packages} (same name, version, architecture and .deb digest). */
    public SharedReads(Collection<PackageContent> packages) {
      this(packages, false);
    }

    private SharedReads(Collection<PackageContent> packages, boolean persistent) {
      for (PackageContent p : packages) {
        kept.add(p.id() + " " + p.sha256());
      }
      this.persistent = persistent;
    }

    /**
     * As {@link #SharedReads(Collection)}, and every package's entries are also kept beside the blob store for
     * later builds. Only for packages whose {@link PackageContent#sha256()} is their {@code .deb}'s real digest,
     * as the download cache verifies it: the entries are found by it.
     */
    public static SharedReads persistent(Collection<PackageContent> packages) {
      return new SharedReads(packages, true);
    }

    private List<Entry> read(PackageContent p, BlobStore store) throws PackageException {
      String key = p.id() + " " + p.sha256();
      if (!kept.contains(key)) {
        return readOrLoad(p, store);
      }
      // Blobs are addressed by content: entries read into one store are valid for another on the same directory only.
      key += " " + store.root().toAbsolutePath();
      List<Entry> known = entries.get(key);
      if (known == null) {
        known = readOrLoad(p, store);
        entries.put(key, known);
      }
      return known;
    }

    private List<Entry> readOrLoad(PackageContent p, BlobStore store) throws PackageException {
      if (!persistent) {
        return PackageExtractor.read(p, store);
      }
      Optional<List<Entry>> loaded = ExtractedIndex.load(store, p);
      if (loaded.isPresent()) {
        return loaded.get();
      }
      List<Entry> read = PackageExtractor.read(p, store);
      ExtractedIndex.save(store, p, read);
      return read;
    }
  }

  /**
   * One entry of a data archive, read and checked on its own: {@code node} is null for a hard link, whose target is
   * {@code linkTarget}; {@code md5} is set for a regular file.
   */
  record Entry(String name, FsPath path, FsNode node, FsPath linkTarget, String md5) {}

  /** Places one package's entries into the tree, in archive order, under dpkg's rules for conflicts. */
  private static InstalledPackage place(FsTreeBuilder b, PackageContent p, List<Entry> entries,
      Map<FsPath, String> overrides) throws PackageException {
    String origin = p.name() + " " + p.version();
    List<String> shipped = new ArrayList<>();
    List<FsPath> files = new ArrayList<>();
    Map<String, String> conffileMd5 = new LinkedHashMap<>();
    Set<String> conffiles = new HashSet<>(p.conffiles());
    shipped.add("/.");
    String current = null;
    try {
      for (Entry e : entries) {
        current = e.name();
        shipped.add(e.path().value());
        if (e.node() == null) {
          addHardlink(b, e.path(), e.linkTarget(), origin, p, overrides);
        } else if (e.node() instanceof FsNode.Directory d) {
          addDirectory(b, e.path(), d.metadata(), origin);
        } else {
          Optional<FsPath> at = add(b, e.path(), e.node(), origin, p, overrides);
          if (e.md5() != null) {
            if (conffiles.contains(e.path().value())) {
              conffileMd5.put(e.path().value(), e.md5());
            }
            at.ifPresent(files::add);
          }
        }
      }
    } catch (TreeException e) {
      throw new PackageException(p.id() + ": refusing " + current + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new PackageException(p.id() + ": refusing " + current + ": " + e.getMessage(), e);
    }
    for (String c : p.conffiles()) {
      if (!conffileMd5.containsKey(c)) {
        throw new PackageException(p.id() + ": conffile " + c + " is not a regular file in the data archive");
      }
    }
    return new InstalledPackage(p, shipped, files, conffileMd5);
  }

  /**
   * Reads one package's data archive: file contents into the blob store (checked against its md5sums), every
   * entry's name, type and metadata checked as far as they can be without the tree.
   */
  private static List<Entry> read(PackageContent p, BlobStore store) throws PackageException {
    List<Entry> entries = new ArrayList<>();
    String current = null;
    try (InputStream raw = p.data().openTar();
        TarArchiveInputStream tar = new TarArchiveInputStream(raw, StandardCharsets.UTF_8.name())) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        current = e.getName();
        FsPath path = entryPath(p, e.getName(), "entry");
        if (path.isRoot()) {
          continue;
        }
        NodeMetadata meta = new NodeMetadata(e.getMode() & 07777, checkedId(p, e, e.getLongUserId()),
            checkedId(p, e, e.getLongGroupId()), Math.max(0, e.getLastModifiedTime().toMillis() / 1000), List.of());
        if (e.isDirectory()) {
          entries.add(new Entry(current, path, new FsNode.Directory(meta), null, null));
        } else if (e.isSymbolicLink()) {
          entries.add(new Entry(current, path, new FsNode.Symlink(meta, e.getLinkName()), null, null));
        } else if (e.isLink()) {
          FsPath target = entryPath(p, e.getLinkName(), "hard link target of " + e.getName());
          entries.add(new Entry(current, path, null, target, null));
        } else if (e.isCharacterDevice() || e.isBlockDevice()) {
          // Debian packages make device nodes in maintainer scripts, never ship them: one in the image (a copy of
          // /dev/mem, say) would open the device to whoever its mode allows.
          throw new PackageException(p.id() + ": refusing " + (e.isBlockDevice() ? "block" : "character") + " device "
              + e.getName() + " (" + e.getDevMajor() + ":" + e.getDevMinor() + "): packages do not ship device nodes");
        } else if (e.isFIFO()) {
          entries.add(new Entry(current, path, new FsNode.Fifo(meta), null, null));
        } else if (e.isFile()) {
          MessageDigest md5 = md5();
          var blob = store.put(new DigestInputStream(tar, md5));
          if (blob.size() != e.getSize()) {
            throw new PackageException(p.id() + ": data archive is truncated at " + e.getName());
          }
          String sum = HexFormat.of().formatHex(md5.digest());
          String expected = p.md5sums().get(path.relative());
          if (expected != null && !expected.equals(sum)) {
            throw new PackageException(p.id() + ": " + path + " has md5 " + sum + " but the package's md5sums says "
                + expected + "; the package is corrupt, download it again");
          }
          entries.add(new Entry(current, path, new FsNode.RegularFile(meta, blob), null, sum));
        } else {
          throw new PackageException(p.id() + ": unsupported tar entry type '" + (char) e.getLinkFlag() + "' at " + e.getName());
        }
      }
    } catch (IOException e) {
      throw new PackageException(p.id() + ": cannot read the data archive" + (current == null ? "" : " after " + current)
          + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
          + "; the package is truncated or corrupt", e);
    } catch (IllegalArgumentException e) {
      throw new PackageException(p.id() + ": refusing " + current + ": " + e.getMessage(), e);
    }
    return entries;
  }

  private static FsPath entryPath(PackageContent p, String raw, String what) throws PackageException {
    if (raw.indexOf('\n') >= 0) {
      // As dpkg refuses it: the package database lists one path per line.
      throw new PackageException(p.id() + ": refusing " + what + " '" + raw.replace("\n", "\\n")
          + "': a newline in a path would corrupt the package database");
    }
    if (raw.length() > 4095 / 3 && raw.getBytes(StandardCharsets.UTF_8).length > 4095) { // at most 3 bytes a char
      throw new PackageException(p.id() + ": refusing " + what + " '" + raw.substring(0, 64) + "...': the path is longer than "
          + "4095 bytes, more than Linux resolves");
    }
    if (raw.startsWith("/")) {
      throw new PackageException(p.id() + ": refusing " + what + " '" + raw + "': absolute paths are not allowed in a data archive");
    }
    try {
      return FsPath.parse(raw);
    } catch (IllegalArgumentException ex) {
      throw new PackageException(p.id() + ": refusing " + what + " '" + raw + "': " + ex.getMessage());
    }
  }

  private static int checkedId(PackageContent p, TarArchiveEntry e, long id) throws PackageException {
    if (id < 0 || id > Integer.MAX_VALUE) {
      throw new PackageException(p.id() + ": " + e.getName() + " has owner id " + id + " out of range");
    }
    return (int) id;
  }

  /** A directory entry: where a symlink to a directory already stands, dpkg keeps the symlink. */
  private static void addDirectory(FsTreeBuilder b, FsPath path, NodeMetadata meta, String origin) throws TreeException {
    Optional<FsNode> existing = b.get(path);
    if (existing.isPresent() && existing.get() instanceof FsNode.Symlink) {
      Optional<FsPath> resolved = b.resolve(path);
      if (resolved.isPresent() && b.get(resolved.get()).orElse(null) instanceof FsNode.Directory) {
        return;
      }
    }
    b.add(path, new FsNode.Directory(meta), origin);
  }

  private static Optional<FsPath> add(FsTreeBuilder b, FsPath path, FsNode node, String origin, PackageContent p,
      Map<FsPath, String> overrides) throws TreeException, PackageException {
    try {
      return Optional.of(b.add(path, node, origin));
    } catch (PathConflictException c) {
      String winner = winner(c, p, overrides);
      if (winner.equals(p.name())) {
        return Optional.of(b.replace(path, node, origin));
      }
      if (c.existingOrigin().startsWith(winner + " ")) {
        return Optional.empty();
      }
      throw new PackageException(p.id() + ": the override for " + c.path() + " names " + winner
          + ", which is neither package in the conflict: " + c.getMessage());
    }
  }

  private static void addHardlink(FsTreeBuilder b, FsPath path, FsPath target, String origin, PackageContent p,
      Map<FsPath, String> overrides) throws TreeException, PackageException {
    try {
      b.addHardlink(path, target, origin);
    } catch (PathConflictException c) {
      String winner = winner(c, p, overrides);
      if (winner.equals(p.name())) {
        b.remove(path);
        b.addHardlink(path, target, origin);
      } else if (!c.existingOrigin().startsWith(winner + " ")) {
        throw new PackageException(p.id() + ": the override for " + c.path() + " names " + winner
            + ", which is neither package in the conflict: " + c.getMessage());
      }
    }
  }

  /**
   * Who wins a conflict: the plan's override for the path, else the new package when its
   * {@code Replaces} names the package that installed the path (as dpkg allows), else nobody.
   */
  private static String winner(PathConflictException c, PackageContent p, Map<FsPath, String> overrides)
      throws PackageException {
    String winner = overrides.get(c.path());
    if (winner != null) {
      return winner;
    }
    String existing = c.existingOrigin().split(" ")[0];
    if (replaces(p).contains(existing)) {
      return p.name();
    }
    throw conflict(p, c);
  }

  /** Package names in the {@code Replaces} field; version constraints are not checked. */
  static Set<String> replaces(PackageContent p) {
    Set<String> out = new HashSet<>();
    String field = p.field("Replaces");
    if (field != null) {
      for (String rel : field.split(",")) {
        String name = rel.strip().split("[\\s(:]")[0];
        if (!name.isEmpty()) {
          out.add(name);
        }
      }
    }
    return out;
  }

  private static PackageException conflict(PackageContent p, PathConflictException c) {
    return new PackageException("file conflict at " + c.path() + ": package " + c.newOrigin() + " and package "
        + c.existingOrigin() + " both install it with different content (" + c.getMessage()
        + "); drop one of the packages or add an override naming the package that wins", c);
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no MD5", e);
    }
  }
}

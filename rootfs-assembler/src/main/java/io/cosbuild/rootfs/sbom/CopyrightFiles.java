package io.cosbuild.rootfs.sbom;

import io.cosbuild.rootfs.dpkg.InstalledPackage;
import io.cosbuild.rootfs.dpkg.PackageContent;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.TreeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds each package's {@code /usr/share/doc/<package>/copyright} in the tree its packages were just
 * extracted into, before any step removes documentation, so the SBOM does not depend on the hardening
 * options. Stateless.
 *
 * <p>A copyright file counts only where its bytes are known to be the package's own or those of a
 * package of the same set:
 * <ul>
 *   <li>the package shipped the file and its content is in the tree (it did not lose a file conflict);</li>
 *   <li>the package shipped {@code /usr/share/doc/<package>} (or the file) as a symbolic link, as library
 *       packages do ({@code libgcc-s1 -> gcc-12-base}): the link is followed, and the regular file it
 *       leads to counts if a package of the set shipped it. A link into a package that is not in the set
 *       leads nowhere: no file, rather than a guess.</li>
 * </ul>
 */
public final class CopyrightFiles {

  /** Larger files (the largest in Debian 12 is about 2 MB) are not read. */
  static final int MAX_BYTES = 16 << 20;

  private CopyrightFiles() {}

  /** The key of a package in {@link #read}'s result: {@code name:architecture}. */
  public static String key(PackageContent p) {
    return p.name() + ":" + p.architecture();
  }

  /**
   * The copyright file of each package that has one, by {@link #key}.
   *
   * @param extracted the tree holding exactly the extracted {@code packages}
   * @throws IOException when the blob store cannot be read
   */
  public static Map<String, CopyrightFile> read(FsTree extracted, List<InstalledPackage> packages) throws IOException {
    Set<FsPath> shippedFiles = new HashSet<>();
    packages.forEach(p -> shippedFiles.addAll(p.regularFiles()));
    FsTreeBuilder links = null;
    Map<String, CopyrightFile> out = new TreeMap<>();
    for (InstalledPackage p : packages) {
      FsPath dir = FsPath.parse("/usr/share/doc").resolve(p.content().name());
      FsPath file = dir.resolve("copyright");
      Set<String> shipped = new HashSet<>(p.shippedPaths());
      Optional<FsPath> found = Optional.empty();
      if (p.regularFiles().contains(file)) {
        found = Optional.of(file);
      } else if (shipped.contains(dir.value()) && extracted.get(dir).orElse(null) instanceof FsNode.Symlink
          || shipped.contains(file.value()) && extracted.get(file).orElse(null) instanceof FsNode.Symlink) {
        links = Objects.requireNonNullElseGet(links, extracted::toBuilder);
        found = resolve(links, file).filter(shippedFiles::contains);
      }
      if (found.isPresent() && extracted.get(found.get()).orElse(null) instanceof FsNode.RegularFile f
          && f.blob().size() <= MAX_BYTES) {
        out.put(key(p.content()), new CopyrightFile(found.get(), new String(f.blob().readAllBytes(), StandardCharsets.UTF_8)));
      }
    }
    return out;
  }

  private static Optional<FsPath> resolve(FsTreeBuilder links, FsPath path) {
    try {
      return links.resolve(path);
    } catch (TreeException e) {
      return Optional.empty(); // a loop, or a link out of the tree: nothing there
    }
  }

  /** Where a package's copyright file was found (another package's, through a link) and its text. */
  public record CopyrightFile(FsPath path, String text) {
    public CopyrightFile {
      Objects.requireNonNull(path);
      Objects.requireNonNull(text);
    }
  }
}

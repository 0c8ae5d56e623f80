package io.cosbuild.rootfs.assembly;

import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.TreeException;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes documentation ({@code /usr/share/doc} except the copyright files and the kept packages,
 * {@code /usr/share/doc-base}, {@code /usr/share/lintian}), manual and info pages
 * ({@code /usr/share/man}, {@code /usr/share/info}) and message catalogues
 * ({@code /usr/share/locale/<name>} except the kept locales). Copyright files stay by default
 * because the licences require shipping them. Immutable and thread-safe.
 */
public final class DocsRemovalStep {

  private final HardeningOptions options;

  public DocsRemovalStep(HardeningOptions options) {
    this.options = options;
  }

  public FsTree apply(FsTree tree) throws AssemblyException {
    FsTreeBuilder b = tree.toBuilder();
    try {
      if (options.removeDocs()) {
        FsPath doc = FsPath.parse("/usr/share/doc");
        if (tree.get(doc).orElse(null) instanceof FsNode.Directory) {
          for (String pkg : tree.children(doc)) {
            FsPath dir = doc.resolve(pkg);
            if (options.keepDocPackages().contains(pkg)) {
              continue;
            }
            if (!options.keepCopyright() || !(tree.get(dir).orElseThrow() instanceof FsNode.Directory)) {
              if (!options.keepCopyright() || !(tree.get(dir).orElseThrow() instanceof FsNode.Symlink)) {
                b.remove(dir);
              }
              continue;
            }
            for (String name : tree.children(dir)) {
              if (!name.equals("copyright")) {
                b.remove(dir.resolve(name));
              }
            }
          }
        }
        b.remove(FsPath.parse("/usr/share/doc-base"));
        b.remove(FsPath.parse("/usr/share/lintian"));
      }
      if (options.removeManPages()) {
        b.remove(FsPath.parse("/usr/share/man"));
        b.remove(FsPath.parse("/usr/share/info"));
      }
      if (options.removeLocales()) {
        FsPath locale = FsPath.parse("/usr/share/locale");
        if (tree.get(locale).orElse(null) instanceof FsNode.Directory) {
          List<String> names = new ArrayList<>(tree.children(locale));
          for (String name : names) {
            if (tree.get(locale.resolve(name)).orElseThrow() instanceof FsNode.Directory
                && !options.keepLocales().contains(name)) {
              b.remove(locale.resolve(name));
            }
          }
        }
      }
    } catch (TreeException e) {
      throw new AssemblyException("docs removal: " + e.getMessage(), e);
    }
    return b.build();
  }
}

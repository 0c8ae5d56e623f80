package io.cosbuild.rootfs.assembly;

import java.util.List;

/**
 * What {@link ShellRemovalStep} removed and what still points at a removed or missing shell or
 * interpreter. Immutable.
 *
 * @param removed canonical paths removed
 * @param danglingLinks {@code link -> target} for symlinks that now lead nowhere because of the removal
 * @param shebangs {@code file: #!interpreter} for scripts whose interpreter is no longer in the image
 */
public record ShellReport(List<String> removed, List<String> danglingLinks, List<String> shebangs) {
  public ShellReport {
    removed = List.copyOf(removed);
    danglingLinks = List.copyOf(danglingLinks);
    shebangs = List.copyOf(shebangs);
  }

  public static ShellReport empty() {
    return new ShellReport(List.of(), List.of(), List.of());
  }
}

package io.cosbuild.rootfs.assembly;

import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.TreeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Removes shells and interpreters: every file or symlink in {@code /bin}, {@code /sbin},
 * {@code /usr/bin}, {@code /usr/sbin} whose name matches one of the patterns (a trailing {@code *}
 * matches any suffix), and every symlink anywhere that resolved to a removed file (busybox applet
 * links such as {@code /bin/sh -> busybox} go with busybox). Afterwards it reports what still
 * points at something missing: dangling symlinks and scripts whose {@code #!} interpreter is gone.
 * It does not edit those files: the report (and the audit) tells the profile author.
 * Immutable and thread-safe.
 */
public final class ShellRemovalStep {

  private static final List<String> BIN_DIRS = List.of("/bin", "/sbin", "/usr/bin", "/usr/sbin");

  private final List<String> patterns;

  public ShellRemovalStep(List<String> patterns) {
    this.patterns = List.copyOf(patterns);
  }

  /** The tree without the shells, and the report. */
  public record Result(FsTree tree, ShellReport report) {}

  public Result apply(FsTree tree) throws AssemblyException {
    FsTreeBuilder old = tree.toBuilder();
    Set<FsPath> removed = new TreeSet<>();
    try {
      for (FsPath p : TreeEdits.childrenOf(tree, old, BIN_DIRS)) {
        if (matches(p.name()) && !(tree.get(p).orElseThrow() instanceof FsNode.Directory)) {
          removed.add(p);
        }
      }
      // Links elsewhere that lead to a removed program (e.g. /usr/bin/sh -> busybox, /etc/alternatives/*).
      Set<FsPath> removedTargets = new TreeSet<>();
      for (FsPath p : removed) {
        Optional<FsPath> r = old.resolve(p);
        r.ifPresent(removedTargets::add);
      }
      for (Map.Entry<FsPath, FsNode> e : tree.entries().entrySet()) {
        if (e.getValue() instanceof FsNode.Symlink && BIN_DIRS.stream().anyMatch(d -> isIn(old, e.getKey(), d))) {
          Optional<FsPath> r = safeResolve(old, e.getKey());
          if (r.isPresent() && removedTargets.contains(r.get())) {
            removed.add(e.getKey());
          }
        }
      }
      FsTreeBuilder b = tree.toBuilder();
      for (FsPath p : removed) {
        b.remove(p);
      }
      FsTree out = b.build();
      FsTreeBuilder now = out.toBuilder();
      List<String> dangling = new ArrayList<>();
      List<String> shebangs = new ArrayList<>();
      for (Map.Entry<FsPath, FsNode> e : out.entries().entrySet()) {
        if (e.getValue() instanceof FsNode.Symlink s) {
          Optional<FsPath> before = safeResolve(old, e.getKey());
          if (safeResolve(now, e.getKey()).isEmpty() && before.isPresent()
              && (removed.contains(before.get()) || removedTargets.contains(before.get()))) {
            dangling.add(e.getKey() + " -> " + s.target());
          }
        } else if (e.getValue() instanceof FsNode.RegularFile f && f.blob().size() > 2) {
          String interpreter = interpreter(f);
          if (interpreter != null && interpreter.startsWith("/")) {
            Optional<FsPath> r;
            try {
              r = safeResolve(now, FsPath.parse(interpreter));
            } catch (IllegalArgumentException bad) {
              r = Optional.empty();
            }
            if (r.isEmpty()) {
              shebangs.add(e.getKey() + ": #!" + interpreter);
            } else if (r.get().name().equals("env") && interpreterArgument(f) != null) {
              // #!/usr/bin/env NAME: the program is looked up in PATH at run time.
              String prog = interpreterArgument(f);
              boolean found = false;
              for (String d : BIN_DIRS) {
                found |= !prog.contains("/") && safeResolve(now, FsPath.parse(d)).isPresent()
                    && safeResolve(now, FsPath.parse(d + "/" + prog)).isPresent();
              }
              if (!found) {
                shebangs.add(e.getKey() + ": #!" + interpreter + " " + prog);
              }
            }
          }
        }
      }
      return new Result(out, new ShellReport(removed.stream().map(FsPath::value).toList(), dangling, shebangs));
    } catch (TreeException e) {
      throw new AssemblyException("shell removal: " + e.getMessage(), e);
    }
  }

  private static boolean isIn(FsTreeBuilder b, FsPath p, String dir) {
    Optional<FsPath> d = safeResolve(b, FsPath.parse(dir));
    return d.isPresent() && p.parent().equals(d.get());
  }

  private static Optional<FsPath> safeResolve(FsTreeBuilder b, FsPath p) {
    try {
      return b.resolve(p);
    } catch (TreeException e) {
      return Optional.empty();
    }
  }

  /** The interpreter of a {@code #!} script ({@code /usr/bin/env X} gives {@code env}'s path). */
  static String interpreter(FsNode.RegularFile f) throws AssemblyException {
    try {
      byte[] head = TreeEdits.head(f, 256);
      if (head.length < 3 || head[0] != '#' || head[1] != '!') {
        return null;
      }
      String line = new String(head, 2, head.length - 2, StandardCharsets.ISO_8859_1);
      int nl = line.indexOf('\n');
      line = (nl >= 0 ? line.substring(0, nl) : line).strip();
      return line.isEmpty() ? null : line.split("\\s+")[0];
    } catch (IOException e) {
      throw new AssemblyException("shell removal: cannot read a blob: " + e.getMessage(), e);
    }
  }

  /** The first argument on a {@code #!} line (the program of {@code /usr/bin/env prog}), or null. */
  static String interpreterArgument(FsNode.RegularFile f) throws AssemblyException {
    try {
      String line = new String(TreeEdits.head(f, 256), StandardCharsets.ISO_8859_1);
      int nl = line.indexOf('\n');
      String[] parts = (nl >= 0 ? line.substring(2, nl) : line.substring(2)).strip().split("\\s+");
      for (int i = 1; i < parts.length; i++) {
        if (!parts[i].startsWith("-")) {
          return parts[i];
        }
      }
      return null;
    } catch (IOException e) {
      throw new AssemblyException("shell removal: cannot read a blob: " + e.getMessage(), e);
    }
  }

  boolean matches(String name) {
    for (String p : patterns) {
      if (p.endsWith("*") ? name.startsWith(p.substring(0, p.length() - 1)) : name.equals(p)) {
        return true;
      }
    }
    return false;
  }
}

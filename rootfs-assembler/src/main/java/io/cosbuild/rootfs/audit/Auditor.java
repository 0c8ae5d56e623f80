package io.cosbuild.rootfs.audit;

import io.cosbuild.rootfs.dpkg.InstalledPackage;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.TreeException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Audits a finished tree. Looks at metadata for setuid/setgid/world-writable, at names and the
 * first 4 KiB of small files for secrets ({@code PRIVATE KEY} blocks, id_rsa-style names,
 * credential files), at names for VCS and build leftovers, at {@code /etc/passwd} and
 * {@code /etc/shadow} for login accounts, and resolves {@code /bin/sh} and the usual shells.
 * Stateless and thread-safe.
 */
public final class Auditor {

  private static final Set<String> NO_LOGIN = Set.of("/usr/sbin/nologin", "/sbin/nologin", "/bin/false", "/usr/bin/false");
  private static final List<String> SHELLS = List.of("/bin/sh", "/bin/bash", "/bin/dash", "/bin/ash", "/bin/busybox",
      "/usr/bin/sh", "/usr/bin/bash", "/usr/bin/dash", "/usr/bin/busybox");
  private static final Set<String> SECRET_NAMES = Set.of("id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", ".netrc", ".pgpass",
      ".git-credentials", "credentials", ".htpasswd", ".env");
  private static final Set<String> VCS_NAMES = Set.of(".git", ".svn", ".hg", ".bzr", "CVS", ".gitignore", ".gitmodules",
      ".gitattributes", "Makefile", "GNUmakefile", "CMakeLists.txt", "meson.build", "Dockerfile", "CMakeCache.txt");
  private static final long SNIFF_LIMIT = 1 << 20;

  private Auditor() {}

  /**
   * Audits {@code tree}; {@code shellReferences} comes from the shell removal step (empty when it
   * did not run).
   */
  public static AuditReport audit(FsTree tree, List<InstalledPackage> packages, List<String> shellReferences,
      Set<AuditCheck> errors) throws IOException {
    return audit(tree, packages, shellReferences, Set.of(), errors);
  }

  /**
   * As above; {@code declaredPermissions} are the canonical paths the profile's security.permissions set, which
   * stand for what their packages' maintainer scripts would have set.
   */
  public static AuditReport audit(FsTree tree, List<InstalledPackage> packages, List<String> shellReferences,
      Set<FsPath> declaredPermissions, Set<AuditCheck> errors) throws IOException {
    Map<AuditCheck, List<String>> f = new EnumMap<>(AuditCheck.class);
    for (AuditCheck c : AuditCheck.values()) {
      f.put(c, new ArrayList<>());
    }
    for (Map.Entry<FsPath, FsNode> e : tree.entries().entrySet()) {
      FsPath p = e.getKey();
      FsNode n = e.getValue();
      int perm = n.metadata().permissions();
      String owner = Integer.toOctalString(perm) + " " + n.metadata().uid() + ":" + n.metadata().gid();
      if (!(n instanceof FsNode.Symlink)) {
        if ((perm & 04000) != 0 && n instanceof FsNode.RegularFile) {
          f.get(AuditCheck.SETUID).add(p + " (" + owner + ")");
        }
        if ((perm & 02000) != 0 && n instanceof FsNode.RegularFile) {
          f.get(AuditCheck.SETGID).add(p + " (" + owner + ")");
        }
        // Sticky world-writable directories (/tmp, /var/tmp) are the safe, expected kind; only
        // the others are findings, so the check can be made an error.
        boolean sticky = n instanceof FsNode.Directory && (perm & 01000) != 0;
        if ((perm & 0002) != 0 && !sticky) {
          f.get(AuditCheck.WORLD_WRITABLE).add(p + " (" + owner + ")");
        }
      }
      String name = p.name();
      if (VCS_NAMES.contains(name) || (name.endsWith(".o") && n instanceof FsNode.RegularFile)) {
        f.get(AuditCheck.VCS_LEFTOVERS).add(p.value());
      }
      if (n instanceof FsNode.RegularFile file) {
        String why = secret(p, file);
        if (why != null) {
          f.get(AuditCheck.SECRETS).add(p + " (" + why + ")");
        }
      }
    }
    FsTreeBuilder b = tree.toBuilder();
    String binSh = null;
    for (String s : SHELLS) {
      Optional<FsPath> r = resolve(b, FsPath.parse(s));
      if (r.isPresent() && tree.get(r.get()).orElse(null) instanceof FsNode.RegularFile) {
        if (s.equals("/bin/sh")) {
          binSh = r.get().value();
        }
        f.get(AuditCheck.SHELL_REACHABLE).add(s + " -> " + r.get());
      }
    }
    f.get(AuditCheck.SHELL_REFERENCES).addAll(shellReferences);
    accounts(tree, b, f.get(AuditCheck.LOGIN_ACCOUNTS));
    for (InstalledPackage ip : packages) {
      boolean declared = ip.regularFiles().stream().anyMatch(declaredPermissions::contains)
          || ip.shippedPaths().stream().map(Auditor::shipped).anyMatch(p -> p != null && declaredPermissions.contains(p));
      if (!declared) {
        ip.content().maintainerScripts().forEach((script, text) -> MaintainerScriptPermissions.find(text)
            .forEach(line -> f.get(AuditCheck.MAINTAINER_PERMISSIONS).add(ip.content().name() + ": " + script + ": " + line)));
      }
    }
    for (List<String> l : f.values()) {
      List<String> dedup = new ArrayList<>(new java.util.TreeSet<>(l));
      l.clear();
      l.addAll(dedup);
    }
    // Sizes: what each package's files still weigh in the final tree; the rest is "(generated)".
    List<PackageSize> sizes = new ArrayList<>();
    Set<FsPath> owned = new HashSet<>();
    for (InstalledPackage ip : packages) {
      long bytes = 0;
      int files = 0;
      for (FsPath p : ip.regularFiles()) {
        if (tree.get(p).orElse(null) instanceof FsNode.RegularFile rf && owned.add(p)) {
          bytes += rf.blob().size();
          files++;
        }
      }
      sizes.add(new PackageSize(ip.content().name(), ip.content().version(), bytes, files));
    }
    long other = 0;
    int otherFiles = 0;
    long total = 0;
    for (Map.Entry<FsPath, FsNode> e : tree.entries().entrySet()) {
      if (e.getValue() instanceof FsNode.RegularFile rf) {
        total += rf.blob().size();
        if (!owned.contains(e.getKey())) {
          other += rf.blob().size();
          otherFiles++;
        }
      }
    }
    sizes.add(new PackageSize("(not from a package)", "-", other, otherFiles));
    sizes.sort(Comparator.comparingLong(PackageSize::bytes).reversed().thenComparing(PackageSize::name));
    Map<AuditCheck, List<String>> frozen = new HashMap<>(f);
    return new AuditReport(packages.size(), total, sizes, frozen, errors, binSh);
  }

  /** A path as dpkg lists it ({@code /usr/share/doc}) as a tree path; null for {@code /.}, which every package lists. */
  private static FsPath shipped(String path) {
    if (path.equals("/.")) {
      return null;
    }
    try {
      return FsPath.parse(path);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Optional<FsPath> resolve(FsTreeBuilder b, FsPath p) {
    try {
      return b.resolve(p);
    } catch (TreeException e) {
      return Optional.empty();
    }
  }

  private static String secret(FsPath p, FsNode.RegularFile f) throws IOException {
    String name = p.name();
    if (SECRET_NAMES.contains(name) || (name.startsWith("id_") && !name.contains(".") && p.parent().name().equals(".ssh"))) {
      return "credential file name";
    }
    if (name.endsWith(".p12") || name.endsWith(".pfx") || name.endsWith(".keytab")) {
      return "key store";
    }
    if (p.value().endsWith("/.docker/config.json") || p.value().endsWith("/.aws/credentials")) {
      return "credential file";
    }
    if (f.blob().size() > 0 && f.blob().size() <= SNIFF_LIMIT) {
      byte[] head;
      try (InputStream in = f.blob().open()) {
        head = in.readNBytes(4096);
      }
      String text = new String(head, StandardCharsets.ISO_8859_1);
      if (text.contains("-----BEGIN") && text.contains("PRIVATE KEY-----")) {
        return "contains a PEM private key";
      }
    }
    return null;
  }

  private static void accounts(FsTree tree, FsTreeBuilder b, List<String> out) throws IOException {
    Map<String, String> shadow = new HashMap<>();
    for (String line : lines(tree, b, "/etc/shadow")) {
      String[] f = line.split(":", -1);
      if (f.length >= 2) {
        shadow.put(f[0], f[1]);
      }
    }
    for (String line : lines(tree, b, "/etc/passwd")) {
      String[] f = line.split(":", -1);
      if (f.length != 7) {
        out.add("/etc/passwd: malformed line: " + line);
        continue;
      }
      String pw = f[1].equals("x") ? shadow.getOrDefault(f[0], "") : f[1];
      if (pw.isEmpty()) {
        out.add(f[0] + ": empty password (anyone can log in)");
      } else if (!pw.startsWith("*") && !pw.startsWith("!")) {
        out.add(f[0] + ": has a password");
      }
      if (!NO_LOGIN.contains(f[6])) {
        out.add(f[0] + ": login shell " + f[6]);
      }
    }
  }

  private static List<String> lines(FsTree tree, FsTreeBuilder b, String path) throws IOException {
    Optional<FsPath> r = resolve(b, FsPath.parse(path));
    if (r.isEmpty() || !(tree.get(r.get()).orElse(null) instanceof FsNode.RegularFile f)) {
      return List.of();
    }
    return new String(f.blob().readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
  }
}

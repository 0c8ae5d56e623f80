package io.cosbuild.rootfs.initramfs;

import io.cosbuild.rootfs.tree.FsTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What depmod would write into {@code /lib/modules/<release>/} for a whole kernel package, which
 * Debian's packages leave to their maintainer scripts: {@code modules.dep} (busybox's modprobe) and
 * kmod's indexes {@code modules.dep.bin}, {@code modules.alias.bin}, {@code modules.builtin.bin} and
 * {@code modules.builtin.alias.bin} (kmod's modprobe), {@code modules.alias} and {@code modules.softdep},
 * {@code modules.devname}, all from the modules' {@code .modinfo} and the package's
 * {@code modules.builtin(.modinfo)}. Not written: {@code modules.symbols} (exported symbols would need
 * the modules' symbol tables; kmod uses it only for {@code symbol:} requests).
 */
public final class ModulesIndex {

  /** The files, by name, in the order they are listed above. */
  private final Map<String, byte[]> files;

  private ModulesIndex(Map<String, byte[]> files) {
    this.files = files;
  }

  /** The file names and contents to put beside the modules. */
  public Map<String, byte[]> files() {
    return files;
  }

  /**
   * The kernel releases whose kernel package left its modules under {@code /lib/modules} of {@code tree}
   * (a {@code kernel/} directory and the package's {@code modules.builtin}; a package of extra modules
   * alone is no kernel), sorted, each with the directory's path once symlinks are resolved
   * ({@code /usr/lib/modules/<release>} in a merged /usr).
   */
  public static SortedMap<String, String> releases(FsTree tree) {
    InitramfsBuilder.TreeReader r = new InitramfsBuilder.TreeReader(tree);
    SortedMap<String, String> out = new TreeMap<>();
    for (String rel : r.children("/lib/modules")) {
      String dir = "/lib/modules/" + rel;
      if (r.resolve(dir + "/kernel").isPresent() && r.file(dir + "/modules.builtin").isPresent()) {
        out.put(rel, r.canonical(dir).orElseThrow());
      }
    }
    return out;
  }

  /**
   * Indexes every module of {@code /lib/modules/<release>} in {@code tree}.
   *
   * @throws InitramfsException if a module file is not a valid module or needs one that is missing
   */
  public static ModulesIndex of(FsTree tree, String release) throws InitramfsException {
    try {
      return index(tree, release);
    } catch (IllegalArgumentException | IllegalStateException e) {
      // A module name or alias kmod's index cannot hold: the package is not what a kernel ships.
      throw new InitramfsException("/lib/modules/" + release + ": " + e.getMessage(), e);
    }
  }

  private static ModulesIndex index(FsTree tree, String release) throws InitramfsException {
    InitramfsBuilder.TreeReader r = new InitramfsBuilder.TreeReader(tree);
    String dir = "/lib/modules/" + release;
    ModuleSource source = new InitramfsBuilder.TreeModuleSource(r, dir);
    List<String> names = new ArrayList<>();
    List<String> order;
    try {
      for (String p : source.modulePaths()) {
        names.add(KernelModule.nameOfPath(p));
      }
      order = r.lines(dir + "/modules.order");
    } catch (IOException e) {
      throw new InitramfsException(dir + ": cannot read the modules: " + e.getMessage(), e);
    }
    ModulesDep deps = ModulesDep.resolve(source, names);
    // Priorities as depmod numbers modules: in modules.order's order, the others after it by path;
    // the text files list modules in that order too.
    Map<String, Integer> priority = new HashMap<>();
    for (String p : order) {
      priority.putIfAbsent(KernelModule.nameOfPath(p), priority.size());
    }
    List<KernelModule> modules = new ArrayList<>(deps.loadOrder());
    modules.sort((a, b) -> a.path().compareTo(b.path()));
    for (KernelModule m : modules) {
      priority.putIfAbsent(m.name(), priority.size());
    }
    modules.sort((a, b) -> Integer.compare(priority.get(a.name()), priority.get(b.name())));

    String depText = deps.modulesDep();
    KmodIndex depIndex = new KmodIndex();
    for (String line : depText.lines().toList()) {
      String path = line.substring(0, line.indexOf(':'));
      String name = KernelModule.nameOfPath(path);
      depIndex.add(name, line, priority.get(name));
    }
    StringBuilder aliasText = new StringBuilder("# Aliases extracted from modules themselves.\n");
    StringBuilder softdepText = new StringBuilder("# Soft dependencies extracted from modules themselves.\n");
    KmodIndex aliasIndex = new KmodIndex();
    for (KernelModule m : modules) {
      for (String alias : m.aliases()) {
        aliasText.append("alias ").append(alias).append(' ').append(m.name()).append('\n');
        aliasIndex.add(normaliseAlias(alias), m.name(), priority.get(m.name()));
      }
      for (String soft : m.softdeps()) {
        softdepText.append("softdep ").append(m.name()).append(' ').append(soft).append('\n');
      }
    }
    KmodIndex builtinIndex = new KmodIndex();
    KmodIndex builtinAliasIndex = new KmodIndex();
    try {
      for (String p : source.builtin()) {
        builtinIndex.add(KernelModule.nameOfPath(p), "", 0);
      }
      // modules.builtin.modinfo: NUL-separated "module.key=value" of the modules built into the kernel.
      var modinfo = r.file(dir + "/modules.builtin.modinfo");
      if (modinfo.isPresent()) {
        for (String kv : new String(modinfo.get().readAllBytes(), StandardCharsets.UTF_8).split("\0")) {
          int dot = kv.indexOf('.');
          int eq = kv.indexOf('=');
          if (dot > 0 && eq > dot && kv.substring(dot + 1, eq).equals("alias")) {
            builtinAliasIndex.add(normaliseAlias(kv.substring(eq + 1)), kv.substring(0, dot), 0);
          }
        }
      }
    } catch (IOException e) {
      throw new InitramfsException(dir + ": the built-in modules: " + e.getMessage(), e);
    }
    // Device nodes that load their module when opened (kmod static-nodes): "devname:" with a
    // "char-major-" or "block-major-" alias.
    StringBuilder devnameText = new StringBuilder("# Device nodes to trigger on-demand module loading.\n");
    for (KernelModule m : modules) {
      String devname = null;
      String node = null;
      for (String alias : m.aliases()) {
        if (alias.startsWith("devname:") && devname == null) {
          devname = alias.substring("devname:".length());
        } else if (node == null && alias.matches("(char|block)-major-\\d+-\\d+")) {
          String[] f = alias.split("-");
          node = (f[0].equals("char") ? "c" : "b") + f[2] + ":" + f[3];
        }
      }
      if (devname != null && node != null) {
        devnameText.append(m.name()).append(' ').append(devname).append(' ').append(node).append('\n');
      }
    }
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("modules.dep", depText.getBytes(StandardCharsets.UTF_8));
    files.put("modules.dep.bin", depIndex.toBytes());
    files.put("modules.alias", aliasText.toString().getBytes(StandardCharsets.UTF_8));
    files.put("modules.alias.bin", aliasIndex.toBytes());
    files.put("modules.builtin.bin", builtinIndex.toBytes());
    files.put("modules.builtin.alias.bin", builtinAliasIndex.toBytes());
    files.put("modules.softdep", softdepText.toString().getBytes(StandardCharsets.UTF_8));
    files.put("modules.devname", devnameText.toString().getBytes(StandardCharsets.UTF_8));
    return new ModulesIndex(files);
  }

  /** As depmod keys aliases: {@code -} becomes {@code _} outside bracket expressions. */
  static String normaliseAlias(String alias) {
    StringBuilder sb = new StringBuilder(alias.length());
    boolean inBrackets = false;
    for (char c : alias.toCharArray()) {
      if (c == '[') {
        inBrackets = true;
      } else if (c == ']') {
        inBrackets = false;
      }
      sb.append(c == '-' && !inBrackets ? '_' : c);
    }
    return sb.toString();
  }
}

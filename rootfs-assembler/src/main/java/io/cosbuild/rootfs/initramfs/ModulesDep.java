package io.cosbuild.rootfs.initramfs;

import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * The dependency closure of a wanted set of kernel modules, in load order, and the
 * {@code modules.dep} that describes it. Debian's kernel packages ship no {@code modules.dep} (the
 * maintainer scripts run depmod), so it is computed here from each module's {@code .modinfo}
 * {@code depends=} list, which modpost derives from the same symbol references depmod reads.
 *
 * <p>Load order is a depth-first post-order from the wanted names in sorted order, each module's
 * dependencies visited in sorted order: dependencies always come first and the order depends only
 * on the inputs. A {@code modules.dep} line is {@code path: dep dep ...} with the module's
 * transitive dependencies listed users-first (modprobe loads them from the end of the list), as
 * depmod writes them. Immutable and thread-safe once built.
 */
public final class ModulesDep {

  private final List<KernelModule> loadOrder;
  private final List<String> builtinWanted;

  private ModulesDep(List<KernelModule> loadOrder, List<String> builtinWanted) {
    this.loadOrder = List.copyOf(loadOrder);
    this.builtinWanted = List.copyOf(builtinWanted);
  }

  /**
   * Resolves {@code wanted} module names ({@code dm-verity} or {@code dm_verity}) against
   * {@code source}. A wanted module compiled into the kernel ({@code modules.builtin}) needs no
   * file and is reported by {@link #builtinWanted()}.
   *
   * @throws InitramfsException if a wanted or needed module is neither a file nor built in, a
   *     module file is not a valid module, or the dependencies form a cycle
   */
  public static ModulesDep resolve(ModuleSource source, Collection<String> wanted) throws InitramfsException {
    Map<String, String> pathByName = new TreeMap<>();
    Set<String> builtin = new HashSet<>();
    try {
      for (String p : source.modulePaths()) {
        String prev = pathByName.putIfAbsent(KernelModule.nameOfPath(p), p);
        if (prev != null) {
          throw new InitramfsException("two files for module " + KernelModule.nameOfPath(p) + ": " + prev + " and " + p);
        }
      }
      for (String p : source.builtin()) {
        builtin.add(KernelModule.nameOfPath(p));
      }
    } catch (IOException e) {
      throw new InitramfsException("cannot list kernel modules: " + e.getMessage(), e);
    }
    Map<String, KernelModule> ordered = new LinkedHashMap<>();
    List<String> builtinWanted = new ArrayList<>();
    for (String w : new TreeSet<>(wanted.stream().map(KernelModule::normalise).toList())) {
      if (!pathByName.containsKey(w) && builtin.contains(w)) {
        builtinWanted.add(w);
        continue;
      }
      visit(w, null, source, pathByName, builtin, ordered, new LinkedHashSet<>());
    }
    return new ModulesDep(new ArrayList<>(ordered.values()), builtinWanted);
  }

  /** {@code neededBy}: the module that depends on {@code name}, or null when {@code name} is wanted itself. */
  private static void visit(String name, String neededBy, ModuleSource source, Map<String, String> pathByName,
      Set<String> builtin, Map<String, KernelModule> done, LinkedHashSet<String> onPath) throws InitramfsException {
    if (done.containsKey(name)) {
      return;
    }
    if (!onPath.add(name)) {
      throw new InitramfsException("kernel module dependency cycle: " + String.join(" -> ", onPath) + " -> " + name);
    }
    String path = pathByName.get(name);
    if (path == null) {
      if (builtin.contains(name)) {
        onPath.remove(name);
        return;
      }
      throw new MissingModuleException(name, neededBy);
    }
    KernelModule m = parse(source, path);
    for (String d : new TreeSet<>(m.depends())) {
      visit(d, name, source, pathByName, builtin, done, onPath);
    }
    onPath.remove(name);
    done.put(name, m);
  }

  private static KernelModule parse(ModuleSource source, String path) throws InitramfsException {
    try {
      return KernelModule.parse(path, decompress(path, source.read(path)));
    } catch (IOException e) {
      throw new InitramfsException(path + ": cannot read kernel module: " + e.getMessage(), e);
    }
  }

  /** The ELF bytes of a module file, uncompressing {@code .ko.xz}, {@code .ko.zst} and {@code .ko.gz}. */
  public static byte[] decompress(String path, byte[] stored) throws IOException {
    InputStream raw = new ByteArrayInputStream(stored);
    if (path.endsWith(".ko")) {
      return stored;
    }
    try (InputStream in = path.endsWith(".ko.xz") ? new XZInputStream(raw)
        : path.endsWith(".ko.zst") ? new ZstdInputStream(raw)
        : path.endsWith(".ko.gz") ? new GZIPInputStream(raw)
        : null) {
      if (in == null) {
        throw new IOException(path + ": not a .ko, .ko.xz, .ko.zst or .ko.gz file");
      }
      return in.readAllBytes();
    }
  }

  /** The modules to load, dependencies first. */
  public List<KernelModule> loadOrder() {
    return loadOrder;
  }

  /** Wanted names that are compiled into the kernel, sorted. */
  public List<String> builtinWanted() {
    return builtinWanted;
  }

  /** {@code modules.dep} for exactly the modules of {@link #loadOrder()}, one line each in load order. */
  public String modulesDep() {
    Map<String, KernelModule> byName = new LinkedHashMap<>();
    for (KernelModule m : loadOrder) {
      byName.put(m.name(), m);
    }
    StringBuilder sb = new StringBuilder();
    for (KernelModule m : loadOrder) {
      Set<String> closure = new HashSet<>();
      collect(m, byName, closure);
      sb.append(m.path()).append(':');
      for (int i = loadOrder.size() - 1; i >= 0; i--) {
        if (closure.contains(loadOrder.get(i).name())) {
          sb.append(' ').append(loadOrder.get(i).path());
        }
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static void collect(KernelModule m, Map<String, KernelModule> byName, Set<String> out) {
    for (String d : m.depends()) {
      KernelModule dep = byName.get(d);
      if (dep != null && out.add(d)) {
        collect(dep, byName, out);
      }
    }
  }
}

package io.cosbuild.rootfs.initramfs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One kernel module as its {@code .modinfo} section describes it. Immutable and thread-safe.
 *
 * @param path the file below {@code /lib/modules/<release>/}, e.g. {@code kernel/drivers/md/dm-verity.ko}
 * @param name the module name with {@code -} normalised to {@code _} (how the kernel and modprobe compare names)
 * @param depends names of the modules it needs loaded first ({@code depends=}), normalised
 * @param aliases its {@code alias=} values in file order
 * @param softdeps its {@code softdep=} values in file order (e.g. {@code pre: crc32c})
 */
public record KernelModule(String path, String name, List<String> depends, List<String> aliases, List<String> softdeps) {

  public KernelModule {
    if (path.isEmpty() || path.startsWith("/") || path.contains("..") || path.contains(" ") || path.contains(":")) {
      throw new IllegalArgumentException("module path must be relative, without '..', spaces or ':': " + path);
    }
    depends = List.copyOf(depends);
    aliases = List.copyOf(aliases);
    softdeps = List.copyOf(softdeps);
  }

  /** {@code dm-verity} and {@code dm_verity} name the same module. */
  public static String normalise(String name) {
    return name.replace('-', '_');
  }

  /** The module name its file name implies: {@code kernel/drivers/md/dm-mod.ko.xz} is {@code dm_mod}. */
  public static String nameOfPath(String path) {
    String base = path.substring(path.lastIndexOf('/') + 1);
    int ko = base.indexOf(".ko");
    return normalise(ko < 0 ? base : base.substring(0, ko));
  }

  /**
   * Reads the module at {@code path} from its uncompressed ELF bytes.
   *
   * <p>{@code .modinfo} is a run of NUL-terminated {@code key=value} strings (possibly padded
   * with extra NULs); {@code depends=} is a comma-separated list, empty for none.
   */
  public static KernelModule parse(String path, byte[] elf) throws InitramfsException {
    byte[] info = ElfFile.parse(path, elf).section(".modinfo")
        .orElseThrow(() -> new InitramfsException(path + ": no .modinfo section; not a kernel module"));
    String name = null;
    List<String> depends = new ArrayList<>();
    List<String> aliases = new ArrayList<>();
    List<String> softdeps = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= info.length; i++) {
      if (i == info.length || info[i] == 0) {
        if (i > start) {
          String kv = new String(info, start, i - start, StandardCharsets.UTF_8);
          int eq = kv.indexOf('=');
          if (eq > 0) {
            String k = kv.substring(0, eq);
            String v = kv.substring(eq + 1);
            switch (k) {
              case "name" -> name = normalise(v);
              case "depends" -> {
                for (String d : v.split(",")) {
                  if (!d.isBlank()) {
                    depends.add(normalise(d.trim()));
                  }
                }
              }
              case "alias" -> aliases.add(v);
              case "softdep" -> softdeps.add(v);
              default -> { }
            }
          }
        }
        start = i + 1;
      }
    }
    String fromPath = nameOfPath(path);
    if (name != null && !name.equals(fromPath)) {
      throw new InitramfsException(path + ": .modinfo names the module " + name + " but the file name says "
          + fromPath + "; a renamed module file would not be found by modprobe");
    }
    return new KernelModule(path, fromPath, depends, aliases, softdeps);
  }
}

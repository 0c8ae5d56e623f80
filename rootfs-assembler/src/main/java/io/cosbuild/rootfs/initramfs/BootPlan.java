package io.cosbuild.rootfs.initramfs;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What the generated {@code /init} does, as plain values (the lead maps a profile's kernel,
 * verity and filesystem settings to it). The verity parameters that change with every build (root
 * hash, salt, sizes) are not here: they come from the kernel command line at boot
 * ({@link KernelCommandLine}), so one initramfs serves both root slots. Immutable and thread-safe.
 *
 * @param modules kernel modules to load, names as modprobe takes them ({@code virtio_blk}, {@code dm-verity});
 *     their dependencies are added and ordered by {@link ModulesDep}
 * @param rootFsType {@code squashfs} or {@code ext4}
 * @param onCorruption what dm-verity does on a block that fails verification
 * @param statelessEtc true: {@code /etc} is an overlay whose upper layer is a tmpfs (reset every
 *     boot); false: the upper layer is on STATE ({@code etc-overlay/})
 * @param formatState true: a STATE partition without an ext2/3/4 superblock is formatted on boot
 *     (first boot); an existing filesystem is never formatted
 * @param tmpfs paths that get a fresh tmpfs ({@code /tmp} mode 1777, others 0755); must include
 *     {@code /run} (the init leaves its status there, and a stateless {@code /etc} lives there)
 * @param stateful paths bound from the STATE partition: {@code /mnt/stateful_partition} is STATE
 *     itself, any other path {@code P} is STATE's directory {@code P} (first boot copies the image's
 *     {@code P} there as the template)
 * @param noexec paths mounted {@code noexec}
 * @param execAllowed paths below a noexec stateful path that are bound again with exec
 * @param stateDirectories directories created on STATE when missing (targets of the image's
 *     symlinks into {@code /var}, e.g. {@code /var/home})
 * @param init the program {@code switch_root} executes, e.g. {@code /sbin/init}
 */
public record BootPlan(List<String> modules, String rootFsType, CorruptionMode onCorruption, boolean statelessEtc,
    boolean formatState, List<String> tmpfs, List<String> stateful, List<String> noexec, List<String> execAllowed,
    List<String> stateDirectories, String init) {

  /** Paths the init writes unquoted into shell commands: keep them to a safe alphabet. */
  private static final Pattern SAFE_PATH = Pattern.compile("/|(/[A-Za-z0-9._+@-]+)+");
  private static final Pattern MODULE = Pattern.compile("[A-Za-z0-9_-]+");
  public static final String STATE_MOUNT = "/mnt/stateful_partition";

  /** What dm-verity does when a block does not match the hash tree. Never {@code ignore}. */
  public enum CorruptionMode {
    /** {@code panic_on_corruption}: the kernel panics. */
    PANIC("panic_on_corruption"),
    /** {@code restart_on_corruption}: the machine restarts. */
    RESTART("restart_on_corruption");

    private final String tableArg;

    CorruptionMode(String tableArg) {
      this.tableArg = tableArg;
    }

    /** The dm-verity table's optional argument. */
    public String tableArg() {
      return tableArg;
    }

    /** {@code panic} or {@code restart} as a profile spells it. */
    public static CorruptionMode of(String profileValue) {
      return switch (profileValue) {
        case "panic" -> PANIC;
        case "restart" -> RESTART;
        default -> throw new IllegalArgumentException("verity on-corruption must be panic or restart, not "
            + profileValue + " (a corrupted root must never be served)");
      };
    }
  }

  /**
   * The plan for an image assembled with {@code layout} (the same layout the assembler wrote into
   * the image as {@code mount-layout.json}): its tmpfs, stateful, noexec and exec-allowed paths,
   * its /etc mode, and the targets of its symlinks into {@code /var} as directories to keep on STATE.
   */
  public static BootPlan of(io.cosbuild.rootfs.assembly.MountLayout layout, List<String> modules, String rootFsType,
      CorruptionMode onCorruption, boolean formatState, String init) {
    java.util.function.Function<List<io.cosbuild.rootfs.tree.FsPath>, List<String>> s =
        l -> l.stream().map(io.cosbuild.rootfs.tree.FsPath::value).toList();
    return new BootPlan(modules, rootFsType, onCorruption, layout.statelessEtc(), formatState, s.apply(layout.tmpfs()),
        s.apply(layout.stateful()), s.apply(layout.noexec()), s.apply(layout.execAllowed()),
        s.apply(List.copyOf(new java.util.TreeSet<>(layout.varSymlinks().values()))), init);
  }

  public BootPlan {
    modules = List.copyOf(modules);
    tmpfs = List.copyOf(tmpfs);
    stateful = List.copyOf(stateful);
    noexec = List.copyOf(noexec);
    execAllowed = List.copyOf(execAllowed);
    stateDirectories = List.copyOf(stateDirectories);
    for (String m : modules) {
      if (!MODULE.matcher(m).matches()) {
        throw new IllegalArgumentException("bad kernel module name: " + m);
      }
    }
    if (!rootFsType.equals("squashfs") && !rootFsType.equals("ext4")) {
      throw new IllegalArgumentException("root filesystem type must be squashfs or ext4, not " + rootFsType);
    }
    for (List<String> l : List.of(tmpfs, stateful, noexec, execAllowed, stateDirectories, List.of(init))) {
      for (String p : l) {
        if (!SAFE_PATH.matcher(p).matches() || p.contains("/../") || p.endsWith("/..") || p.contains("/./") || p.endsWith("/.")) {
          throw new IllegalArgumentException("path " + p + " must be absolute, normalised and use only "
              + "letters, digits and ._+@- (it is written into the init script)");
        }
      }
    }
    if (!tmpfs.contains("/run")) {
      throw new IllegalArgumentException("tmpfs must include /run: the init and a stateless /etc use it");
    }
    for (String p : execAllowed) {
      if (stateful.stream().noneMatch(s -> !s.equals(STATE_MOUNT) && p.startsWith(s + "/"))) {
        throw new IllegalArgumentException("exec-allowed path " + p + " must lie below a stateful path");
      }
    }
    for (String p : stateful) {
      if (p.equals("/") || p.equals("/etc") || tmpfs.contains(p)) {
        throw new IllegalArgumentException("stateful path " + p + " cannot be /, /etc or a tmpfs path");
      }
    }
  }
}

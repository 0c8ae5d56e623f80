package io.cosbuild.rootfs.assembly;

import io.cosbuild.rootfs.tree.FsPath;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The runtime mount layout the image carries for its init and for systemd. Paths are sorted on
 * construction so the written layout does not depend on profile order. Immutable.
 *
 * @param readOnly paths mounted read-only (normally {@code /} and {@code /usr})
 * @param tmpfs stateless paths: a fresh tmpfs every boot (e.g. {@code /tmp}, {@code /run})
 * @param stateful paths kept on the STATE partition (e.g. {@code /var})
 * @param noexec paths mounted {@code noexec}
 * @param execAllowed paths below a noexec mount that are bind-mounted with exec (e.g. {@code /var/lib/containerd})
 * @param varSymlinks link -> target under /var, e.g. {@code /home -> /var/home}
 * @param statelessEtc true: {@code /etc} is a tmpfs overlay reset on every boot; false: its upper layer is on STATE
 */
public record MountLayout(List<FsPath> readOnly, List<FsPath> tmpfs, List<FsPath> stateful, List<FsPath> noexec,
    List<FsPath> execAllowed, Map<FsPath, FsPath> varSymlinks, boolean statelessEtc) {

  public MountLayout {
    readOnly = sorted(readOnly);
    tmpfs = sorted(tmpfs);
    stateful = sorted(stateful);
    noexec = sorted(noexec);
    execAllowed = sorted(execAllowed);
    varSymlinks = java.util.Collections.unmodifiableMap(new TreeMap<>(varSymlinks));
    for (Map.Entry<FsPath, FsPath> e : varSymlinks.entrySet()) {
      if (!e.getValue().startsWith(FsPath.parse("/var")) || e.getValue().equals(FsPath.parse("/var"))) {
        throw new IllegalArgumentException(e.getKey() + ": symlink target " + e.getValue() + " must be below /var");
      }
      if (e.getKey().startsWith(FsPath.parse("/var")) || e.getKey().isRoot()) {
        throw new IllegalArgumentException(e.getKey() + ": cannot be a symlink into /var");
      }
    }
  }

  /**
   * The COS-like default: read-only root, tmpfs /tmp and /run, STATE at /mnt/stateful_partition
   * with /var from it, noexec /tmp and /var except /var/lib/containerd, and /home, /opt, /root,
   * /usr/local as symlinks into /var; stateless /etc.
   */
  public static MountLayout cosDefault() {
    Map<FsPath, FsPath> links = new TreeMap<>();
    for (String p : List.of("/home", "/opt", "/root", "/usr/local")) {
      links.put(FsPath.parse(p), FsPath.parse("/var" + p.substring(p.lastIndexOf('/'))));
    }
    // /mnt stays a real directory: STATE itself is mounted at /mnt/stateful_partition, which must
    // not live below /var (bound from STATE).
    return new MountLayout(paths("/", "/usr"), paths("/run", "/tmp"), paths("/mnt/stateful_partition", "/var"),
        paths("/tmp", "/var"), paths("/var/lib/containerd"), links, true);
  }

  private static List<FsPath> paths(String... p) {
    return java.util.Arrays.stream(p).map(FsPath::parse).toList();
  }

  private static List<FsPath> sorted(List<FsPath> in) {
    return in.stream().distinct().sorted().toList();
  }
}

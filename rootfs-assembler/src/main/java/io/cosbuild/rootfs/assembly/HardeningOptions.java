package io.cosbuild.rootfs.assembly;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which hardening steps run and with what settings. Immutable.
 *
 * @param removeShells remove the programs named by {@code shellNames} from the bin directories
 * @param shellNames file names (a trailing {@code *} matches any suffix) looked up in {@code /bin},
 *     {@code /sbin}, {@code /usr/bin}, {@code /usr/sbin}
 * @param removeDocs remove {@code /usr/share/doc} (except copyright files when {@code keepCopyright})
 * @param keepDocPackages packages whose whole {@code /usr/share/doc/<name>} is kept
 * @param removeManPages remove {@code /usr/share/man} and {@code /usr/share/info}
 * @param removeLocales remove {@code /usr/share/locale/*} except {@code keepLocales}
 * @param sysctl settings written to {@code /etc/sysctl.d/}, over {@link #DEFAULT_SYSCTL}; empty map and
 *     {@code writeSysctl} false writes nothing
 * @param firewallTcpPorts TCP ports the default-deny nftables ruleset accepts, or {@code null} for no ruleset
 * @param sshPolicy the sshd drop-in to write (see {@link SshPolicyStep}), or {@code null} for none
 * @param lockAccounts give every account a locked password and {@code /usr/sbin/nologin}
 * @param stripSetuid clear the setuid and setgid bits of every regular file but {@code keepSetuid}'s
 * @param keepSetuid absolute paths whose bits {@code stripSetuid} leaves (see {@link SetuidStripStep})
 */
public record HardeningOptions(boolean removeShells, List<String> shellNames, boolean removeDocs,
    List<String> keepDocPackages, boolean keepCopyright, boolean removeManPages, boolean removeLocales,
    List<String> keepLocales, boolean writeSysctl, Map<String, String> sysctl, List<Integer> firewallTcpPorts,
    SshPolicy sshPolicy, boolean lockAccounts, boolean stripSetuid, List<String> keepSetuid) {

  /** Shells and interpreters removed by default; busybox is one because it contains {@code ash}. */
  public static final List<String> DEFAULT_SHELLS =
      List.of("sh", "bash", "rbash", "dash", "ash", "busybox", "python*", "perl*");

  /** Kernel settings every image gets unless the profile overrides a key. */
  public static final Map<String, String> DEFAULT_SYSCTL = java.util.Collections.unmodifiableMap(new TreeMap<>(Map.of(
      "kernel.yama.ptrace_scope", "2",
      "kernel.unprivileged_bpf_disabled", "1",
      "kernel.kptr_restrict", "2",
      "kernel.dmesg_restrict", "1",
      "net.core.bpf_jit_harden", "2",
      "kernel.kexec_load_disabled", "1",
      "fs.protected_symlinks", "1",
      "fs.protected_hardlinks", "1",
      "fs.suid_dumpable", "0",
      "net.ipv4.conf.all.rp_filter", "1")));

  public HardeningOptions {
    shellNames = List.copyOf(shellNames);
    keepDocPackages = List.copyOf(keepDocPackages);
    keepLocales = List.copyOf(keepLocales);
    keepSetuid = List.copyOf(keepSetuid);
    sysctl = java.util.Collections.unmodifiableMap(new TreeMap<>(sysctl));
    for (Map.Entry<String, String> e : sysctl.entrySet()) {
      if (!e.getKey().matches("[a-z0-9_.*/-]+") || e.getValue().contains("\n")) {
        throw new IllegalArgumentException("invalid sysctl setting " + e.getKey() + " = " + e.getValue());
      }
    }
    if (firewallTcpPorts != null) {
      firewallTcpPorts = firewallTcpPorts.stream().distinct().sorted().toList();
      for (int p : firewallTcpPorts) {
        if (p < 1 || p > 65535) {
          throw new IllegalArgumentException("firewall port " + p + " is outside 1..65535");
        }
      }
    }
  }

  /** No hardening at all: the packages as they are. */
  public static HardeningOptions none() {
    return new HardeningOptions(false, DEFAULT_SHELLS, false, List.of(), true, false, false, List.of(), false,
        Map.of(), null, null, false, false, List.of());
  }

  /** Everything on, as COS does: no shells, no docs, sysctl defaults, SSH (22) only, no passwords, no setuid. */
  public static HardeningOptions strict() {
    return new HardeningOptions(true, DEFAULT_SHELLS, true, List.of(), true, true, true, List.of(), true,
        Map.of(), List.of(22), SshPolicy.strict(), true, true, List.of());
  }

  public HardeningOptions withRemoveShells(boolean remove) {
    return new HardeningOptions(remove, shellNames, removeDocs, keepDocPackages, keepCopyright, removeManPages,
        removeLocales, keepLocales, writeSysctl, sysctl, firewallTcpPorts, sshPolicy, lockAccounts, stripSetuid, keepSetuid);
  }

  public HardeningOptions withFirewallTcpPorts(List<Integer> ports) {
    return new HardeningOptions(removeShells, shellNames, removeDocs, keepDocPackages, keepCopyright, removeManPages,
        removeLocales, keepLocales, writeSysctl, sysctl, ports, sshPolicy, lockAccounts, stripSetuid, keepSetuid);
  }

  /** The effective sysctl settings: defaults, then the profile's. */
  public Map<String, String> effectiveSysctl() {
    Map<String, String> m = new TreeMap<>(DEFAULT_SYSCTL);
    m.putAll(sysctl);
    return m;
  }
}

package io.cosbuild.spec.model;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/** Hardening choices for the root filesystem. */
public record SecuritySpec(SortedMap<String, String> sysctl, FirewallSpec firewall, SshSpec ssh, List<UserSpec> users,
    List<String> removeInterpreters, boolean keepDocs, List<String> keepLocales, List<String> auditErrors,
    boolean stripSetuid, List<String> keepSetuid, List<PermissionSpec> permissions) {

  public SecuritySpec {
    sysctl = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(sysctl));
    users = List.copyOf(users);
    removeInterpreters = List.copyOf(removeInterpreters);
    keepLocales = List.copyOf(keepLocales);
    auditErrors = List.copyOf(auditErrors);
    keepSetuid = List.copyOf(keepSetuid);
    permissions = List.copyOf(permissions);
  }

  /** Default-deny nftables policy with the allowed inbound ports. */
  public record FirewallSpec(boolean enabled, List<Integer> allowTcp, List<Integer> allowUdp) {
    public FirewallSpec {
      allowTcp = List.copyOf(allowTcp);
      allowUdp = List.copyOf(allowUdp);
    }
  }

  /** sshd policy. */
  public record SshSpec(boolean passwordAuthentication, boolean permitRootLogin, int port) {}
}

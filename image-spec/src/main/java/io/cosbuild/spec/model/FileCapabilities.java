package io.cosbuild.spec.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * File capabilities as {@code setcap} takes them in libcap's text form ({@code cap_net_raw=ep},
 * {@code cap_net_admin,cap_net_raw+ep}, clauses separated by spaces, operators {@code =}, {@code +}, {@code -}
 * with flags {@code e}, {@code i}, {@code p}). A file has one effective bit, so the effective set must be empty or
 * equal to the permitted and inheritable sets together, as libcap requires when it writes the attribute.
 *
 * @param permitted bit n is capability n
 * @param inheritable bit n is capability n
 * @param effective raise the permitted capabilities at exec
 */
public record FileCapabilities(long permitted, long inheritable, boolean effective) {

  /**
   * Capability names by number, as the kernel (up to 6.x) and libcap number them. {@code all} is not taken:
   * libcap reads its meaning from the running kernel, which would make the image depend on the build host.
   */
  public static final List<String> NAMES = List.of("cap_chown", "cap_dac_override", "cap_dac_read_search", "cap_fowner",
      "cap_fsetid", "cap_kill", "cap_setgid", "cap_setuid", "cap_setpcap", "cap_linux_immutable", "cap_net_bind_service",
      "cap_net_broadcast", "cap_net_admin", "cap_net_raw", "cap_ipc_lock", "cap_ipc_owner", "cap_sys_module", "cap_sys_rawio",
      "cap_sys_chroot", "cap_sys_ptrace", "cap_sys_pacct", "cap_sys_admin", "cap_sys_boot", "cap_sys_nice", "cap_sys_resource",
      "cap_sys_time", "cap_sys_tty_config", "cap_mknod", "cap_lease", "cap_audit_write", "cap_audit_control", "cap_setfcap",
      "cap_mac_override", "cap_mac_admin", "cap_syslog", "cap_wake_alarm", "cap_block_suspend", "cap_audit_read",
      "cap_perfmon", "cap_bpf", "cap_checkpoint_restore");

  public FileCapabilities {
    long known = (1L << NAMES.size()) - 1;
    if ((permitted & ~known) != 0 || (inheritable & ~known) != 0) {
      throw new IllegalArgumentException("unknown capability bits");
    }
  }

  /** Parses libcap's text form; the message of the exception says what is wrong, for a profile error. */
  public static FileCapabilities parse(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.isEmpty()) {
      throw new IllegalArgumentException("no capabilities given (e.g. cap_net_raw=ep)");
    }
    long[] sets = new long[3]; // effective, inheritable, permitted
    for (String clause : t.split("\\s+")) {
      int op = indexOfOperator(clause);
      if (op < 0) {
        throw new IllegalArgumentException("'" + clause + "' has no operator: write NAME[,NAME...]=FLAGS, +FLAGS or -FLAGS"
            + " (e.g. cap_net_raw=ep)");
      }
      long mask = names(clause.substring(0, op));
      int i = op;
      while (i < clause.length()) {
        char o = clause.charAt(i++);
        if (o != '=' && o != '+' && o != '-') {
          throw new IllegalArgumentException("'" + clause + "': '" + o + "' is not a flag (e, i, p) or an operator (=, +, -)");
        }
        int flags = 0;
        while (i < clause.length() && "eip".indexOf(clause.charAt(i)) >= 0) {
          flags |= 1 << "eip".indexOf(clause.charAt(i++));
        }
        if (o != '=' && flags == 0) {
          throw new IllegalArgumentException("'" + clause + "': '" + o + "' needs flags (e, i, p) after it");
        }
        for (int s = 0; s < 3; s++) {
          boolean named = (flags & (1 << s)) != 0;
          if (o == '=') {
            sets[s] = named ? sets[s] | mask : sets[s] & ~mask;
          } else if (named) {
            sets[s] = o == '+' ? sets[s] | mask : sets[s] & ~mask;
          }
        }
      }
    }
    long pi = sets[1] | sets[2];
    if (sets[0] != 0 && sets[0] != pi) {
      throw new IllegalArgumentException("'" + text.strip() + "': a file's effective flag covers all its permitted and"
          + " inheritable capabilities or none: give e with every capability that has p or i (e.g. cap_net_raw=ep)");
    }
    if (pi == 0) {
      throw new IllegalArgumentException("'" + text.strip() + "' leaves no permitted or inheritable capability");
    }
    return new FileCapabilities(sets[2], sets[1], sets[0] != 0);
  }

  private static int indexOfOperator(String clause) {
    for (int i = 0; i < clause.length(); i++) {
      if ("=+-".indexOf(clause.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  private static long names(String list) {
    if (list.isEmpty()) {
      throw new IllegalArgumentException("name the capabilities before the operator (cosbuild does not take an empty list"
          + " or 'all': libcap reads their meaning from the build host's kernel)");
    }
    long mask = 0;
    for (String name : list.split(",", -1)) {
      int n = NAMES.indexOf(name);
      if (n < 0) {
        throw new IllegalArgumentException("'" + name + "' is not a capability name such as cap_net_raw"
            + (name.equals("all") ? " (cosbuild does not take 'all': libcap reads its meaning from the build host's kernel)" : ""));
      }
      mask |= 1L << n;
    }
    return mask;
  }

  /** The capabilities in {@code setcap}'s form, e.g. {@code cap_net_admin,cap_net_raw=eip}. */
  @Override
  public String toString() {
    List<String> clauses = new ArrayList<>();
    long both = permitted & inheritable;
    clause(clauses, both, (effective ? "e" : "") + "ip");
    clause(clauses, permitted & ~both, (effective ? "e" : "") + "p");
    clause(clauses, inheritable & ~both, (effective ? "e" : "") + "i");
    return String.join(" ", clauses);
  }

  private static void clause(List<String> out, long mask, String flags) {
    if (mask == 0) {
      return;
    }
    List<String> names = new ArrayList<>();
    for (int n = 0; n < NAMES.size(); n++) {
      if ((mask & (1L << n)) != 0) {
        names.add(NAMES.get(n));
      }
    }
    out.add(String.join(",", names) + "=" + flags);
  }
}

package io.cosbuild.rootfs.assembly;

import java.util.List;

/**
 * An account the image needs besides base-passwd's (e.g. a system user for a daemon). Accounts
 * are always locked (no password); {@code shell} is {@code /usr/sbin/nologin} unless given.
 * Immutable.
 *
 * @param uid the numeric id, or {@code null} to take the lowest free id in 100..999 (in plan order)
 * @param group the primary group, created with the same id as the user when missing; {@code null}
 *     means a group named like the user
 * @param groups supplementary groups, which must exist (base-passwd's or created here)
 * @param gid the primary group's numeric id, or {@code null} for the group's own (or, for a new
 *     group, the uid when free); as with {@code useradd -g}, an existing group with this id becomes
 *     the primary group, else {@code group} is created with it
 */
public record UserSpec(String name, Integer uid, String group, List<String> groups, String home, String shell, Integer gid) {

  /** A user whose primary group's id is not fixed. */
  public UserSpec(String name, Integer uid, String group, List<String> groups, String home, String shell) {
    this(name, uid, group, groups, home, shell, null);
  }

  public UserSpec {
    if (gid != null && (gid < 0 || gid > 65534)) {
      throw new IllegalArgumentException("user " + name + ": gid " + gid + " is outside 0..65534");
    }
    checkName(name);
    if (uid != null && (uid < 0 || uid > 65534)) {
      throw new IllegalArgumentException("user " + name + ": uid " + uid + " is outside 0..65534");
    }
    group = group == null ? name : group;
    checkName(group);
    groups = List.copyOf(groups == null ? List.of() : groups);
    groups.forEach(UserSpec::checkName);
    home = home == null ? "/nonexistent" : home;
    shell = shell == null ? "/usr/sbin/nologin" : shell;
    if (!home.startsWith("/") || !shell.startsWith("/") || (home + shell).contains(":")) {
      throw new IllegalArgumentException("user " + name + ": home and shell must be absolute paths without ':'");
    }
  }

  /** A system user with a same-named group, no home and no login shell. */
  public static UserSpec system(String name) {
    return new UserSpec(name, null, null, List.of(), null, null);
  }

  static void checkName(String n) {
    if (n == null || !n.matches("[a-z_][a-z0-9_-]{0,31}")) {
      throw new IllegalArgumentException("invalid user or group name '" + n + "' (lower case, digits, _ and -, at most 32)");
    }
  }
}

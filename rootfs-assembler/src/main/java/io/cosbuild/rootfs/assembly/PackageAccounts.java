package io.cosbuild.rootfs.assembly;

import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.TreeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * System accounts that the image's packages declare and their maintainer scripts (not run) would
 * create: the {@code sysusers.d} files, which systemd's postinst applies with
 * {@code systemd-sysusers} (messagebus, systemd-journal, systemd-network...), and the groups udev's
 * rules give devices to ({@code GROUP="kvm"}), which udev's postinst adds with
 * {@code addgroup --system}. Made at build time, their ids are fixed in the image instead of being
 * allocated at every boot into a stateless {@code /etc}, and udev and tmpfiles find the groups they
 * name. Stateless.
 */
final class PackageAccounts {

  /** Later directories override a file of the same name in earlier ones, as systemd-sysusers reads them. */
  private static final List<String> SYSUSERS_DIRS = List.of("/usr/lib/sysusers.d", "/etc/sysusers.d");
  private static final List<String> UDEV_RULES_DIRS = List.of("/usr/lib/udev/rules.d", "/etc/udev/rules.d");
  private static final Pattern UDEV_GROUP = Pattern.compile("\\bGROUP:?=\"([a-z_][a-z0-9_-]*)\"");
  private static final Pattern TOKEN = Pattern.compile("\"([^\"]*)\"|(\\S+)");

  private PackageAccounts() {}

  /** A group; {@code gid} null: the lowest free id. */
  record Group(String name, Integer gid) {}

  /**
   * A user; {@code uid} null: the lowest free id. The primary group is {@code gid}'s, else {@code group}, else a
   * group named like the user.
   */
  record User(String name, Integer uid, Integer gid, String group, String gecos, String home, String shell) {}

  record Member(String user, String group) {}

  /** sysusers.d's groups, users and memberships in file order, then the groups udev's rules name, by name. */
  record Declared(List<Group> groups, List<User> users, List<Member> members, List<String> udevGroups) {}

  static Declared read(FsTree tree) throws AssemblyException {
    List<Group> groups = new ArrayList<>();
    List<User> users = new ArrayList<>();
    List<Member> members = new ArrayList<>();
    for (Map.Entry<String, String> file : files(tree, SYSUSERS_DIRS, ".conf").entrySet()) {
      int n = 0;
      for (String line : file.getValue().split("\n", -1)) {
        n++;
        String where = file.getKey() + " line " + n;
        List<String> f = tokens(line);
        if (f.isEmpty() || f.get(0).startsWith("#")) {
          continue;
        }
        if (f.size() < 2) {
          throw new AssemblyException("users: " + where + ": a sysusers.d line needs a type and a name: " + line);
        }
        String type = f.get(0);
        String name = f.get(1);
        String id = field(f, 2);
        switch (type) {
          case "g" -> groups.add(new Group(name, number(id, where)));
          case "u" -> users.add(user(name, id, field(f, 3), field(f, 4), field(f, 5), where));
          case "m" -> members.add(new Member(name, required(id, "group", where)));
          case "r" -> { } // id ranges: the build allocates from 100..999 as adduser --system does
          default -> throw new AssemblyException("users: " + where + ": unknown sysusers.d type '" + type + "'");
        }
      }
    }
    TreeSet<String> udevGroups = new TreeSet<>();
    for (String rules : files(tree, UDEV_RULES_DIRS, ".rules").values()) {
      Matcher m = UDEV_GROUP.matcher(rules);
      while (m.find()) {
        udevGroups.add(m.group(1));
      }
    }
    return new Declared(groups, users, members, List.copyOf(udevGroups));
  }

  private static User user(String name, String id, String gecos, String home, String shell, String where)
      throws AssemblyException {
    Integer uid = null;
    Integer gid = null;
    String group = null;
    if (id != null && !id.startsWith("/")) { // a path means "the owner of that file": left to allocation
      String[] parts = id.split(":", 2);
      uid = number(parts[0], where);
      if (parts.length == 2) {
        if (parts[1].matches("\\d+")) {
          gid = number(parts[1], where);
        } else {
          group = parts[1];
        }
      }
    }
    return new User(name, uid, gid, group, gecos == null ? "" : gecos, home == null ? "/" : home,
        shell == null ? UsersStep.NOLOGIN : shell);
  }

  /** Field {@code i}, or null when it is absent or "-". */
  private static String field(List<String> f, int i) {
    return i < f.size() && !f.get(i).equals("-") ? f.get(i) : null;
  }

  private static String required(String value, String what, String where) throws AssemblyException {
    if (value == null) {
      throw new AssemblyException("users: " + where + ": the " + what + " is missing");
    }
    return value;
  }

  private static Integer number(String id, String where) throws AssemblyException {
    if (id == null || id.equals("-") || id.startsWith("/")) {
      return null;
    }
    try {
      return Integer.valueOf(id);
    } catch (NumberFormatException e) {
      throw new AssemblyException("users: " + where + ": '" + id + "' is not a numeric id");
    }
  }

  private static List<String> tokens(String line) {
    List<String> out = new ArrayList<>();
    Matcher m = TOKEN.matcher(line.strip());
    while (m.find()) {
      out.add(m.group(1) != null ? m.group(1) : m.group(2));
    }
    return out;
  }

  /** The regular files ending in {@code suffix} in {@code dirs}, by name (a later directory's file wins). */
  private static Map<String, String> files(FsTree tree, List<String> dirs, String suffix) throws AssemblyException {
    Map<String, String> out = new TreeMap<>();
    FsTreeBuilder links = tree.toBuilder(); // resolves symlinks (merged /usr, links between rules files); one copy
    try {
      for (FsPath entry : TreeEdits.childrenOf(tree, links, dirs)) {
        Optional<FsPath> file = entry.name().endsWith(suffix) ? links.resolve(entry) : Optional.empty();
        if (file.isPresent() && tree.get(file.get()).orElse(null) instanceof FsNode.RegularFile f) {
          if (f.blob().size() > (1 << 20)) {
            throw new AssemblyException("users: " + entry + " is too large for a configuration file (" + f.blob().size()
                + " bytes)");
          }
          out.put(entry.name(), new String(f.blob().readAllBytes(), StandardCharsets.UTF_8));
        }
      }
    } catch (TreeException | IOException e) {
      throw new AssemblyException("users: cannot read the image's sysusers.d or udev rules: " + e.getMessage(), e);
    }
    return out;
  }
}

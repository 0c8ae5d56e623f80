package io.cosbuild.rootfs.assembly;

import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes {@code /etc/passwd}, {@code /etc/group}, {@code /etc/shadow} and {@code /etc/gshadow}
 * declaratively, instead of running base-passwd's and the daemons' maintainer scripts: the
 * accounts come from base-passwd's master files ({@code /usr/share/base-passwd/*.master}, or root
 * and nogroup/nobody when base-passwd is not installed), then the plan's users, then the system
 * accounts the packages declare ({@link PackageAccounts}: sysusers.d, udev's groups) that do not
 * exist yet, with their ids where they fix one and free, else the lowest free in 100..999. Every account
 * gets a locked password ({@code *}); with {@code lockAccounts} every shell becomes
 * {@code /usr/sbin/nologin}. The shadow "last change" day is derived from the source date epoch,
 * not the clock. Immutable and thread-safe.
 */
public final class UsersStep {

  static final String NOLOGIN = "/usr/sbin/nologin";
  private static final String ORIGIN = "users";

  private final List<UserSpec> users;
  private final boolean lockAccounts;
  private final BlobStore store;
  private final long epoch;

  public UsersStep(List<UserSpec> users, boolean lockAccounts, BlobStore store, long epoch) {
    this.users = List.copyOf(users);
    this.lockAccounts = lockAccounts;
    this.store = store;
    this.epoch = epoch;
  }

  private record Account(String name, int uid, int gid, String gecos, String home, String shell) {}

  private static final class Group {
    final String name;
    final int gid;
    final List<String> members = new ArrayList<>();

    Group(String name, int gid) {
      this.name = name;
      this.gid = gid;
    }
  }

  public FsTree apply(FsTree tree) throws AssemblyException {
    Map<String, Account> accounts = new LinkedHashMap<>();
    Map<String, Group> groups = new LinkedHashMap<>();
    Optional<String> passwdMaster = TreeEdits.readText(tree, FsPath.parse("/usr/share/base-passwd/passwd.master"));
    Optional<String> groupMaster = TreeEdits.readText(tree, FsPath.parse("/usr/share/base-passwd/group.master"));
    String passwd = passwdMaster.orElse("root:*:0:0:root:/root:/bin/sh\nnobody:*:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
    String group = groupMaster.orElse("root:*:0:\nnogroup:*:65534:\n");
    for (String line : lines(passwd)) {
      String[] f = line.split(":", -1);
      if (f.length != 7) {
        throw new AssemblyException("users: malformed base-passwd passwd.master line: " + line);
      }
      accounts.put(f[0], new Account(f[0], parseId(f[2], line), parseId(f[3], line), f[4], f[5], f[6]));
    }
    for (String line : lines(group)) {
      String[] f = line.split(":", -1);
      if (f.length != 4) {
        throw new AssemblyException("users: malformed base-passwd group.master line: " + line);
      }
      Group g = new Group(f[0], parseId(f[2], line));
      if (!f[3].isEmpty()) {
        g.members.addAll(List.of(f[3].split(",")));
      }
      groups.put(f[0], g);
    }
    for (UserSpec u : users) {
      if (accounts.containsKey(u.name())) {
        throw new AssemblyException("users: " + u.name() + " already exists (from base-passwd); choose another name");
      }
      TreeSet<Integer> usedUids = uids(accounts);
      TreeSet<Integer> usedGids = gids(groups);
      int uid;
      if (u.uid() != null) {
        if (usedUids.contains(u.uid())) {
          throw new AssemblyException("users: uid " + u.uid() + " of " + u.name() + " is already taken");
        }
        uid = u.uid();
      } else {
        uid = lowestFree(usedUids, u.name());
      }
      Group primary = u.gid() == null ? groups.get(u.group()) : primaryByGid(groups, u);
      if (primary == null) {
        int gid = idOrFree(uid, usedGids, u.group());
        primary = new Group(u.group(), gid);
        groups.put(u.group(), primary);
      }
      for (String sup : u.groups()) {
        Group g = groups.get(sup);
        if (g == null) {
          throw new AssemblyException("users: " + u.name() + " should join group " + sup + ", which does not exist");
        }
        g.members.add(u.name());
      }
      accounts.put(u.name(), new Account(u.name(), uid, primary.gid, u.name(), u.home(), u.shell()));
    }
    addPackageAccounts(PackageAccounts.read(tree), accounts, groups);
    long days = epoch / 86400;
    StringBuilder pw = new StringBuilder();
    StringBuilder sh = new StringBuilder();
    for (Account a : accounts.values()) {
      String shell = lockAccounts ? NOLOGIN : a.shell();
      pw.append(a.name()).append(":x:").append(a.uid()).append(':').append(a.gid()).append(':').append(a.gecos())
          .append(':').append(a.home()).append(':').append(shell).append('\n');
      sh.append(a.name()).append(":*:").append(days).append(":0:99999:7:::\n");
    }
    StringBuilder gr = new StringBuilder();
    StringBuilder gsh = new StringBuilder();
    for (Group g : groups.values()) {
      String members = String.join(",", g.members);
      gr.append(g.name).append(":x:").append(g.gid).append(':').append(members).append('\n');
      gsh.append(g.name).append(":*::").append(members).append('\n');
    }
    int shadowGid = groups.containsKey("shadow") ? groups.get("shadow").gid : 0;
    FsTreeBuilder b = tree.toBuilder();
    TreeEdits.writeText(b, store, "/etc/passwd", pw.toString(), 0644, epoch, ORIGIN);
    TreeEdits.writeText(b, store, "/etc/group", gr.toString(), 0644, epoch, ORIGIN);
    TreeEdits.writeBytes(b, store, FsPath.parse("/etc/shadow"), sh.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
        0640, 0, shadowGid, epoch, ORIGIN);
    TreeEdits.writeBytes(b, store, FsPath.parse("/etc/gshadow"), gsh.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
        0640, 0, shadowGid, epoch, ORIGIN);
    return b.build();
  }

  /** What systemd-sysusers and udev's postinst would add; accounts and groups already there are kept as they are. */
  private static void addPackageAccounts(PackageAccounts.Declared d, Map<String, Account> accounts, Map<String, Group> groups)
      throws AssemblyException {
    for (PackageAccounts.Group g : d.groups()) {
      if (!groups.containsKey(g.name())) {
        groups.put(g.name(), new Group(g.name(), idOrFree(g.gid(), gids(groups), g.name())));
      }
    }
    for (PackageAccounts.User u : d.users()) {
      if (accounts.containsKey(u.name())) {
        continue;
      }
      // Like systemd-sysusers, a user and the group named after it share an id where one is free for both.
      int uid = u.uid() != null && !uids(accounts).contains(u.uid()) ? u.uid()
          : lowestFree(both(uids(accounts), u.group() == null && u.gid() == null ? gids(groups) : Set.of()), u.name());
      Group primary = null;
      if (u.gid() != null) {
        primary = groups.values().stream().filter(g -> g.gid == u.gid()).findFirst().orElse(null);
      }
      String groupName = u.group() != null ? u.group() : u.name();
      if (primary == null) {
        primary = groups.get(groupName);
      }
      if (primary == null) {
        // A gid of the user's own is free here: a group holding it was taken as the primary above.
        int gid = u.gid() != null ? u.gid() : idOrFree(uid, gids(groups), groupName);
        primary = new Group(groupName, gid);
        groups.put(groupName, primary);
      }
      accounts.put(u.name(), new Account(u.name(), uid, primary.gid, u.gecos(), u.home(), u.shell()));
    }
    for (String name : d.udevGroups()) {
      if (!groups.containsKey(name)) {
        groups.put(name, new Group(name, lowestFree(gids(groups), name)));
      }
    }
    for (PackageAccounts.Member m : d.members()) {
      Group g = groups.get(m.group());
      if (g == null) {
        g = new Group(m.group(), lowestFree(gids(groups), m.group()));
        groups.put(m.group(), g);
      }
      if (accounts.containsKey(m.user()) && !g.members.contains(m.user())) {
        g.members.add(m.user());
      }
    }
  }

  private static int idOrFree(Integer wanted, TreeSet<Integer> used, String name) throws AssemblyException {
    return wanted != null && !used.contains(wanted) ? wanted : lowestFree(used, name);
  }

  private static TreeSet<Integer> both(Set<Integer> a, Set<Integer> b) {
    TreeSet<Integer> out = new TreeSet<>(a);
    out.addAll(b);
    return out;
  }

  private static TreeSet<Integer> uids(Map<String, Account> accounts) {
    TreeSet<Integer> used = new TreeSet<>();
    accounts.values().forEach(a -> used.add(a.uid()));
    return used;
  }

  private static TreeSet<Integer> gids(Map<String, Group> groups) {
    TreeSet<Integer> used = new TreeSet<>();
    groups.values().forEach(g -> used.add(g.gid));
    return used;
  }

  /** {@code useradd -g GID}: the group with that id, else the user's group made with it. */
  private static Group primaryByGid(Map<String, Group> groups, UserSpec u) throws AssemblyException {
    for (Group g : groups.values()) {
      if (g.gid == u.gid()) {
        return g;
      }
    }
    Group named = groups.get(u.group());
    if (named != null) {
      throw new AssemblyException("users: " + u.name() + " should have primary gid " + u.gid() + ", but group " + u.group()
          + " already exists with gid " + named.gid);
    }
    Group g = new Group(u.group(), u.gid());
    groups.put(u.group(), g);
    return g;
  }

  private static int lowestFree(TreeSet<Integer> used, String name) throws AssemblyException {
    for (int id = 100; id <= 999; id++) {
      if (!used.contains(id)) {
        return id;
      }
    }
    throw new AssemblyException("users: no free system id in 100..999 for " + name);
  }

  private static int parseId(String s, String line) throws AssemblyException {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new AssemblyException("users: bad numeric id in base-passwd line: " + line);
    }
  }

  private static List<String> lines(String text) {
    return text.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
  }
}

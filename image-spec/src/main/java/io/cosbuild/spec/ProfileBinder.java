package io.cosbuild.spec;

import static io.cosbuild.spec.Values.map;
import static io.cosbuild.spec.Values.maps;
import static io.cosbuild.spec.Values.size;
import static io.cosbuild.spec.Values.strings;

import io.cosbuild.spec.model.Architecture;
import io.cosbuild.spec.model.DiskSpec;
import io.cosbuild.spec.model.FileCapabilities;
import io.cosbuild.spec.model.FileSpec;
import io.cosbuild.spec.model.ImageProfile;
import io.cosbuild.spec.model.KernelSpec;
import io.cosbuild.spec.model.MountLayout;
import io.cosbuild.spec.model.PackageSelection;
import io.cosbuild.spec.model.PermissionSpec;
import io.cosbuild.spec.model.RepositorySpec;
import io.cosbuild.spec.model.RootfsSpec;
import io.cosbuild.spec.model.SecuritySpec;
import io.cosbuild.spec.model.SystemdSpec;
import io.cosbuild.spec.model.UserSpec;
import io.cosbuild.spec.model.VeritySpec;
import io.cosbuild.spec.node.Location;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The one place where the effective (validated, defaulted) profile becomes the typed model, and
 * where rules that span several fields are checked. Stateless.
 */
final class ProfileBinder {

  private ProfileBinder() {}

  static List<ProfileError> crossChecks(Map<String, Object> p, Map<String, Location> where, String file) {
    List<ProfileError> errors = new ArrayList<>();
    Map<String, Object> verity = map(p, "verity");
    if ((verity.get("signing-key") == null) != (verity.get("signing-certificate") == null)) {
      String field = verity.get("signing-key") == null ? "verity.signing-certificate" : "verity.signing-key";
      errors.add(new ProfileError(where.getOrDefault(field, new Location(file, 0, 0)), field,
          "signing-key and signing-certificate go together: set both or neither"));
    }
    Map<String, Object> disk = map(p, "disk");
    if ((disk.get("secure-boot-key") == null) != (disk.get("secure-boot-certificate") == null)) {
      String field = disk.get("secure-boot-key") == null ? "disk.secure-boot-certificate" : "disk.secure-boot-key";
      errors.add(new ProfileError(where.getOrDefault(field, new Location(file, 0, 0)), field,
          "secure-boot-key and secure-boot-certificate go together: set both or neither"));
    }
    List<Map<String, Object>> permissions = maps(map(p, "security"), "permissions");
    Map<String, Integer> permissionPaths = new HashMap<>();
    for (int i = 0; i < permissions.size(); i++) {
      Map<String, Object> m = permissions.get(i);
      String field = "security.permissions[" + i + "]";
      Location at = where.getOrDefault(field + ".path", new Location(file, 0, 0));
      if (m.get("owner") == null && m.get("group") == null && m.get("mode") == null && m.get("capabilities") == null) {
        errors.add(new ProfileError(at, field, "give owner, group, mode or capabilities"));
      }
      Integer first = m.get("path") == null ? null : permissionPaths.putIfAbsent(str(m, "path"), i);
      if (first != null) {
        errors.add(new ProfileError(at, field + ".path", m.get("path") + " is also security.permissions[" + first + "]"
            + ": one entry per path (to change an inherited entry, replace the list with permissions!)"));
      }
    }
    List<Map<String, Object>> files = maps(p, "files");
    for (int i = 0; i < files.size(); i++) {
      Map<String, Object> f = files.get(i);
      int kinds = (f.get("content") != null ? 1 : 0) + (f.get("source") != null ? 1 : 0) + (f.get("symlink") != null ? 1 : 0);
      if (kinds != 1) {
        String field = "files[" + i + "]";
        errors.add(new ProfileError(where.getOrDefault(field + ".path", new Location(file, 0, 0)), field,
            "give exactly one of content, source or symlink"));
      }
    }
    // Accepted by the schema for the profile format's sake, refused until the build honours them.
    if (!((List<?>) map(map(p, "security"), "firewall").get("allow-udp")).isEmpty()) {
      errors.add(new ProfileError(where.getOrDefault("security.firewall.allow-udp[0]", new Location(file, 0, 0)),
          "security.firewall.allow-udp", "inbound UDP ports are not supported by the firewall ruleset yet"));
    }
    if (maps(p, "repositories").size() > 1) {
      errors.add(new ProfileError(where.getOrDefault("repositories[1].uri", new Location(file, 0, 0)), "repositories",
          "only one repository entry is supported yet (its first suite is the release; the updates and security suites of"
              + " that release come from the host's apt sources)"));
    }
    Map<String, Object> layout = map(p, "filesystem");
    for (Object ro : strings(layout, "read-only")) {
      if (strings(layout, "tmpfs").contains(ro) || strings(layout, "stateful").contains(ro)) {
        errors.add(new ProfileError(where.getOrDefault("filesystem.read-only", new Location(file, 0, 0)), "filesystem.read-only",
            ro + " cannot be both read-only and writable"));
      }
    }
    return errors;
  }

  static ImageProfile bind(Map<String, Object> p, Map<String, Location> where, List<String> sources, String digest) {
    List<Architecture> arches = strings(p, "architectures").stream().map(Architecture::parse).toList();
    List<RepositorySpec> repos = new ArrayList<>();
    for (Map<String, Object> r : maps(p, "repositories")) {
      repos.add(new RepositorySpec(str(r, "uri"), strings(r, "suites"), strings(r, "components"), str(r, "keyring")));
    }
    if (repos.isEmpty()) {
      repos.add(new RepositorySpec(RepositorySpec.HOST_APT_SOURCES, List.of("bookworm", "bookworm-updates"), List.of("main"),
          "/usr/share/keyrings/debian-archive-keyring.gpg"));
    }
    Map<String, Object> pk = map(p, "packages");
    PackageSelection packages = new PackageSelection(strings(pk, "include"), strings(pk, "exclude"), strings(pk, "deny"),
        bool(pk, "recommends"), bool(pk, "essential"), stringMap(pk, "allow-overrides"));
    Map<String, Object> k = map(p, "kernel");
    KernelSpec kernel = new KernelSpec(str(k, "package"), strings(k, "cmdline"), strings(k, "modules"), bool(k, "keep-modules"),
        str(k, "initramfs-compression"));
    Map<String, Object> r = map(p, "rootfs");
    RootfsSpec rootfs = new RootfsSpec(str(r, "type"), str(r, "compression"),
        r.get("compression-level") == null ? OptionalInt.empty() : OptionalInt.of(((Long) r.get("compression-level")).intValue()),
        strings(r, "xz-bcj"), size(r.get("block-size")), autoSize(r.get("size")));
    Map<String, Object> v = map(p, "verity");
    VeritySpec verity = new VeritySpec(str(v, "algorithm"), ((Long) v.get("data-block-size")).intValue(),
        ((Long) v.get("hash-block-size")).intValue(), str(v, "salt"), str(v, "on-corruption"),
        relativePath(v, "signing-key", where, "verity.signing-key"),
        relativePath(v, "signing-certificate", where, "verity.signing-certificate"));
    Map<String, Object> l = map(p, "filesystem");
    MountLayout layout = new MountLayout(strings(l, "read-only"), str(l, "etc"), strings(l, "tmpfs"), strings(l, "stateful"),
        strings(l, "var-symlinks"), strings(l, "noexec"), strings(l, "exec"), str(l, "format-state"));
    Map<String, Object> s = map(p, "security");
    Map<String, Object> fw = map(s, "firewall");
    Map<String, Object> ssh = map(s, "ssh");
    List<UserSpec> users = new ArrayList<>();
    for (Map<String, Object> u : maps(s, "users")) {
      users.add(new UserSpec(str(u, "name"), optInt(u.get("uid")), optInt(u.get("gid")), strings(u, "groups"), str(u, "home"),
          str(u, "shell")));
    }
    SecuritySpec security = new SecuritySpec(stringMap(s, "sysctl"),
        new SecuritySpec.FirewallSpec(bool(fw, "enabled"), ints(fw, "allow-tcp"), ints(fw, "allow-udp")),
        new SecuritySpec.SshSpec(bool(ssh, "password-authentication"), bool(ssh, "permit-root-login"), ((Long) ssh.get("port")).intValue()),
        users, strings(s, "remove-interpreters"), bool(s, "keep-docs"), strings(s, "keep-locales"), strings(s, "audit-errors"),
        bool(s, "strip-setuid"), strings(s, "keep-setuid"), permissions(s));
    Map<String, Object> sd = map(p, "systemd");
    SystemdSpec systemd = new SystemdSpec(strings(sd, "enable"), str(sd, "default-target"));
    List<FileSpec> files = new ArrayList<>();
    List<Map<String, Object>> fileMaps = maps(p, "files");
    for (int i = 0; i < fileMaps.size(); i++) {
      Map<String, Object> f = fileMaps.get(i);
      String[] owner = str(f, "owner").split(":");
      files.add(new FileSpec(str(f, "path"), Optional.ofNullable((String) f.get("content")),
          relativePath(f, "source", where, "files[" + i + "].source"), Optional.ofNullable((String) f.get("symlink")),
          Integer.parseInt(str(f, "mode"), 8), Integer.parseInt(owner[0]), Integer.parseInt(owner[1])));
    }
    Map<String, Object> d = map(p, "disk");
    DiskSpec disk = new DiskSpec(size(d.get("size")), size(d.get("esp-size")), size(d.get("root-size")), autoSize(d.get("verity-size")),
        size(d.get("oem-size")), size(d.get("state-min-size")), str(d, "root-b"), strings(d, "formats"), str(d, "esp"),
        relativePath(d, "secure-boot-key", where, "disk.secure-boot-key"),
        relativePath(d, "secure-boot-certificate", where, "disk.secure-boot-certificate"));
    OptionalLong epoch = p.get("source-date-epoch") == null ? OptionalLong.empty() : OptionalLong.of((Long) p.get("source-date-epoch"));
    return new ImageProfile(str(p, "name"), str(p, "description"), sources, arches, epoch, repos, packages, kernel, str(p, "init"),
        rootfs, verity, layout, security, systemd, stringMap(p, "alternatives"), files, disk, digest);
  }

  private static List<PermissionSpec> permissions(Map<String, Object> security) {
    List<PermissionSpec> out = new ArrayList<>();
    for (Map<String, Object> m : maps(security, "permissions")) {
      String mode = (String) m.get("mode");
      String caps = (String) m.get("capabilities");
      out.add(new PermissionSpec(str(m, "path"), Optional.ofNullable((String) m.get("owner")),
          Optional.ofNullable((String) m.get("group")),
          mode == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(mode, 8)),
          caps == null ? Optional.empty() : Optional.of(FileCapabilities.parse(caps))));
    }
    return out;
  }

  private static Optional<Path> relativePath(Map<String, Object> m, String key, Map<String, Location> where, String field) {
    Object v = m.get(key);
    if (v == null) {
      return Optional.empty();
    }
    Path path = Path.of((String) v);
    Location loc = where.get(field);
    if (!path.isAbsolute() && loc != null && loc.line() > 0) {
      path = Path.of(loc.file()).toAbsolutePath().getParent().resolve(path).normalize();
    }
    return Optional.of(path);
  }

  @SuppressWarnings("unchecked")
  private static List<Integer> ints(Map<String, Object> m, String key) {
    return ((List<Long>) m.get(key)).stream().map(Long::intValue).toList();
  }

  @SuppressWarnings("unchecked")
  private static SortedMap<String, String> stringMap(Map<String, Object> m, String key) {
    return new TreeMap<>((Map<String, String>) m.get(key));
  }

  private static String str(Map<String, Object> m, String key) {
    return (String) m.get(key);
  }

  private static boolean bool(Map<String, Object> m, String key) {
    return (Boolean) m.get(key);
  }

  private static OptionalInt optInt(Object v) {
    return v == null ? OptionalInt.empty() : OptionalInt.of(((Long) v).intValue());
  }

  private static OptionalLong autoSize(Object v) {
    return "auto".equals(v) ? OptionalLong.empty() : OptionalLong.of(size(v));
  }
}

package io.cosbuild.spec;

import io.cosbuild.spec.node.Location;
import io.cosbuild.spec.schema.ProfileSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Rules the image build enforces on a profile's own values, checked here too so that
 * {@code profile validate} refuses, with file:line and field, what {@code image} would refuse later
 * (often after minutes of work, and without naming the profile). Each rule says where the build
 * enforces it; keep the two in step: builder-cli's ProfileRulesMatchWritersTest, which sees both,
 * gives each copy and its original the same values and wants the same verdict (compression levels,
 * the mount layout and init path rules, and DiskFit's disk and verity sizes). A few rules are the
 * profile's own (the build has no view of them): each says so. Stateless.
 */
final class ImageRules {

  /** Paths the init writes unquoted into shell commands (rootfs-assembler's BootPlan). */
  private static final Pattern SAFE_PATH = Pattern.compile("/|(/[A-Za-z0-9._+@-]+)+");
  /** BootPlan.STATE_MOUNT: STATE itself, no directory of it to place exec paths below. */
  private static final String STATE_MOUNT = "/mnt/stateful_partition";
  /** Level range of each squashfs compressor (rootfs-assembler's squashfs Compression). */
  private static final Map<String, long[]> LEVELS = Map.of("gzip", new long[] {1, 9}, "xz", new long[] {0, 9},
      "lz4", new long[] {0, 17}, "zstd", new long[] {1, 22});

  private final Map<String, Object> profile;
  private final Map<String, Location> where;
  private final String file;
  private final List<ProfileError> errors = new ArrayList<>();

  private ImageRules(Map<String, Object> profile, Map<String, Location> where, String file) {
    this.profile = profile;
    this.where = where;
    this.file = file;
  }

  static List<ProfileError> check(Map<String, Object> profile, Map<String, Location> where, String file) {
    ImageRules r = new ImageRules(profile, where, file);
    r.lists();
    r.compressionLevel();
    r.mountLayout();
    r.packages();
    r.sshPort();
    r.keepSetuid();
    r.uki();
    r.errors.addAll(DiskFit.check(Values.map(profile, "disk"), Values.map(profile, "verity"), where, file));
    return r.errors;
  }

  /** A unified kernel image needs a FAT32 ESP large enough for it, and is the only thing a Secure Boot key signs. */
  private void uki() {
    Map<String, Object> disk = Values.map(profile, "disk");
    if (!"uki".equals(disk.get("esp")) && disk.get("secure-boot-key") != null) {
      error("disk.secure-boot-key", "signs the unified kernel image, but disk.esp is " + disk.get("esp")
          + ": set disk.esp: uki, or leave the Secure Boot key out");
    }
    long esp = Values.size(disk.get("esp-size"));
    if ("uki".equals(disk.get("esp")) && esp < ProfileSchema.ESP_UKI_MIN_MIB * (1L << 20)) {
      error("disk.esp-size", "is " + esp / (1 << 20) + " MiB: disk.esp: uki needs at least " + ProfileSchema.ESP_UKI_MIN_MIB
          + " MiB (a FAT32 filesystem and the kernel image)");
    }
  }

  /** image picks the first architecture and the first suite: an empty list has none. */
  private void lists() {
    if (Values.strings(profile, "architectures").isEmpty()) {
      error("architectures", "the list is empty: name at least one of x86_64, arm64");
    }
    List<Map<String, Object>> repos = Values.maps(profile, "repositories");
    for (int i = 0; i < repos.size(); i++) {
      for (String key : List.of("suites", "components")) {
        if (Values.strings(repos.get(i), key).isEmpty()) {
          error("repositories[" + i + "]." + key, "the list is empty: name at least one");
        }
      }
    }
  }

  /** SquashfsOptions refuses a level outside the compressor's range, and BCJ filters for another compressor than xz. */
  private void compressionLevel() {
    Map<String, Object> rootfs = Values.map(profile, "rootfs");
    if (!Values.strings(rootfs, "xz-bcj").isEmpty() && !"xz".equals(rootfs.get("compression"))) {
      error("rootfs.xz-bcj", "BCJ filters are xz's: set rootfs.compression: xz, or leave rootfs.xz-bcj out (the "
          + "compression is " + rootfs.get("compression") + ")");
    }
    if (rootfs.get("compression-level") instanceof Long level) {
      String compressor = (String) rootfs.get("compression");
      long[] range = LEVELS.get(compressor);
      if (range != null && (level < range[0] || level > range[1])) {
        error("rootfs.compression-level", compressor + " level must be between " + range[0] + " and " + range[1] + ", got " + level);
      }
    }
  }

  /** BootPlan's rules for the runtime mount layout, and MountLayout's for the symlinks into /var. */
  private void mountLayout() {
    Map<String, Object> fs = Values.map(profile, "filesystem");
    List<String> tmpfs = Values.strings(fs, "tmpfs");
    List<String> stateful = Values.strings(fs, "stateful");
    // A var-symlink's target below /var is a directory the init makes on STATE.
    for (String key : List.of("tmpfs", "stateful", "noexec", "exec", "var-symlinks")) {
      List<String> paths = Values.strings(fs, key);
      for (int i = 0; i < paths.size(); i++) {
        safePath("filesystem." + key + "[" + i + "]", paths.get(i));
      }
    }
    safePath("init", (String) profile.get("init"));
    if (!tmpfs.contains("/run")) {
      error("filesystem.tmpfs", "must include /run: the init and a stateless /etc use it");
    }
    for (int i = 0; i < stateful.size(); i++) {
      String p = stateful.get(i);
      if (p.equals("/") || p.equals("/etc")) {
        error("filesystem.stateful[" + i + "]", "stateful path " + p + " cannot be /, /etc or a tmpfs path");
      } else if (tmpfs.contains(p)) {
        // Named at the tmpfs entry, the one a child profile usually adds over an inherited stateful /var.
        String field = "filesystem.tmpfs[" + tmpfs.indexOf(p) + "]";
        Location stateAt = where.get("filesystem.stateful[" + i + "]");
        error(field, "stateful path " + p + " cannot be /, /etc or a tmpfs path (it is filesystem.stateful[" + i + "], "
            + (stateAt == null ? "the default" : stateAt) + ")");
      }
    }
    List<String> exec = Values.strings(fs, "exec");
    for (int i = 0; i < exec.size(); i++) {
      String p = exec.get(i);
      if (stateful.stream().noneMatch(s -> !s.equals(STATE_MOUNT) && p.startsWith(s + "/"))) {
        error("filesystem.exec[" + i + "]", "exec path " + p + " must lie below a stateful path");
      }
    }
    List<String> links = Values.strings(fs, "var-symlinks");
    for (int i = 0; i < links.size(); i++) {
      String p = links.get(i);
      if (p.equals("/") || p.equals("/var") || p.startsWith("/var/")) {
        error("filesystem.var-symlinks[" + i + "]", p + " cannot be a symlink into /var");
      }
    }
  }

  private void safePath(String field, String p) {
    if (!SAFE_PATH.matcher(p).matches() || p.contains("/./") || p.endsWith("/.") || p.contains("/../") || p.endsWith("/..")) {
      error(field, "path " + p + " must be normalised and use only letters, digits and ._+@- (it is written into the init script)");
    }
  }

  /** A package both wanted and excluded or denied makes the resolver fail (or silently drop it). */
  private void packages() {
    Map<String, Object> pk = Values.map(profile, "packages");
    List<String> include = Values.strings(pk, "include");
    for (String key : List.of("exclude", "deny")) {
      List<String> names = Values.strings(pk, key).stream().map(ImageRules::bareName).toList();
      for (int i = 0; i < include.size(); i++) {
        if (names.contains(bareName(include.get(i)))) {
          error("packages.include[" + i + "]", "'" + include.get(i) + "' is also in packages." + key + ": remove it from one of them");
        }
      }
    }
  }

  /**
   * The profile's own rule: sshd moved off port 22 behind the firewall must be let through it, or the image
   * builds and then cannot be reached (the ruleset accepts only {@code allow-tcp}). Port 22 itself is not
   * checked: a profile without sshd, or not reached by SSH, may leave it closed.
   */
  private void sshPort() {
    Map<String, Object> security = Values.map(profile, "security");
    Map<String, Object> firewall = Values.map(security, "firewall");
    if (Values.map(security, "ssh").get("port") instanceof Long port && port != 22 && Boolean.TRUE.equals(firewall.get("enabled"))) {
      List<Long> allowed = Values.longs(firewall, "allow-tcp");
      if (!allowed.contains(port)) {
        Location allowedAt = where.get("security.firewall.allow-tcp");
        error("security.ssh.port", "sshd port " + port + " is not in security.firewall.allow-tcp " + allowed + " ("
            + (allowedAt == null ? "the default" : allowedAt) + "): the firewall would drop SSH connections; add " + port
            + " there, or keep port 22");
      }
    }
  }

  /** A keep list without the stripping it qualifies keeps nothing: most likely strip-setuid was forgotten. */
  private void keepSetuid() {
    Map<String, Object> security = Values.map(profile, "security");
    if (!Values.strings(security, "keep-setuid").isEmpty() && !Boolean.TRUE.equals(security.get("strip-setuid"))) {
      error("security.keep-setuid", "has no effect without security.strip-setuid: true");
    }
  }

  /** 'name:arch=version' to 'name'. */
  private static String bareName(String pkg) {
    return pkg.split("[:=]", 2)[0];
  }

  private void error(String field, String message) {
    errors.add(new ProfileError(Values.at(where, field, file), field, message));
  }
}

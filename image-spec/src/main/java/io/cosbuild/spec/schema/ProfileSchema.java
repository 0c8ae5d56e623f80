package io.cosbuild.spec.schema;

import static io.cosbuild.spec.schema.FieldSpec.object;
import static io.cosbuild.spec.schema.FieldSpec.objectList;
import static io.cosbuild.spec.schema.FieldSpec.of;
import static io.cosbuild.spec.schema.FieldType.BOOL;
import static io.cosbuild.spec.schema.FieldType.ENUM;
import static io.cosbuild.spec.schema.FieldType.INT;
import static io.cosbuild.spec.schema.FieldType.INT_LIST;
import static io.cosbuild.spec.schema.FieldType.SIZE;
import static io.cosbuild.spec.schema.FieldType.STRING;
import static io.cosbuild.spec.schema.FieldType.STRING_LIST;
import static io.cosbuild.spec.schema.FieldType.STRING_MAP;

import io.cosbuild.spec.model.FileCapabilities;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The profile format, declared once. Defaults here are neutral; the hardened choices live in the
 * shipped {@code base} profile where a reader can see and override them.
 */
public final class ProfileSchema {

  private static final Pattern PACKAGE = Pattern.compile("[a-z0-9][a-z0-9+.-]+(:[a-z0-9-]+)?(=[A-Za-z0-9.+~:-]+)?");
  private static final Pattern UNIT = Pattern.compile("[A-Za-z0-9@_.:\\\\-]+\\.(service|socket|timer|target|path|mount)");
  private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");

  static final FieldCheck PACKAGE_NAME = v -> PACKAGE.matcher(String.valueOf(v)).matches() ? null
      : "unknown package name syntax '" + v + "' (Debian names: lower case letters, digits, + - . ; optional :arch and =version)";
  static final FieldCheck ABSOLUTE_PATH = v -> {
    String s = String.valueOf(v);
    if (!s.startsWith("/")) {
      return "'" + s + "' is not an absolute path";
    }
    for (String c : s.split("/")) {
      if (c.equals("..")) {
        return "'" + s + "' has a '..' component";
      }
    }
    return null;
  };
  static final FieldCheck SIZE_CHECK = v -> {
    if (v instanceof Long l) {
      return l < 0 ? "size must not be negative" : null;
    }
    if (String.valueOf(v).equals("auto")) {
      return null;
    }
    try {
      ByteSize.parse(String.valueOf(v));
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  };
  static final FieldCheck PORT = v -> v instanceof Long l && l > 0 && l < 65536 ? null : "'" + v + "' is not a port number (1-65535)";
  static final FieldCheck UNIT_NAME = v -> UNIT.matcher(String.valueOf(v)).matches() ? null : "'" + v + "' is not a systemd unit name";
  static final FieldCheck USER_NAME = v -> USER.matcher(String.valueOf(v)).matches() ? null : "'" + v + "' is not a valid user name";
  static final FieldCheck OCTAL_MODE = v -> String.valueOf(v).matches("0?[0-7]{3,4}") ? null : "'" + v + "' is not an octal mode such as 0644";
  /** FAT32 needs 65,525 clusters (of 512 bytes up to 260 MiB) besides its FATs, and the kernel image takes 15-25 MiB. */
  public static final int ESP_UKI_MIN_MIB = 48;
  /** The largest uid or gid: the image's model and tools hold ids as Java ints. */
  public static final long MAX_ID = Integer.MAX_VALUE;
  static final FieldCheck OWNER = v -> {
    String s = String.valueOf(v);
    if (!s.matches("\\d+:\\d+")) {
      return "'" + s + "' is not a numeric owner uid:gid";
    }
    for (String id : s.split(":")) {
      if (id.length() > 10 || Long.parseLong(id) > MAX_ID) {
        return "'" + s + "': uid and gid must be between 0 and " + MAX_ID;
      }
    }
    return null;
  };
  /** A user or group as /etc/passwd and /etc/group hold them (Debian has e.g. Debian-exim), or a numeric id. */
  static final FieldCheck ACCOUNT = v -> {
    String s = String.valueOf(v);
    if (s.matches("\\d{1,10}")) {
      return Long.parseLong(s) > MAX_ID ? "'" + s + "': ids must be between 0 and " + MAX_ID : null;
    }
    if (s.contains(":")) {
      return "'" + s + "': one name or id here; the user goes in owner, the group in group";
    }
    return s.matches("[A-Za-z_][A-Za-z0-9_.-]{0,31}\\$?") ? null : "'" + s + "' is not a user or group name, nor a numeric id";
  };
  static final FieldCheck CAPABILITIES = v -> {
    try {
      FileCapabilities.parse(String.valueOf(v));
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  };
  static final FieldCheck HEX_OR_AUTO = v -> String.valueOf(v).matches("auto|-|([0-9a-fA-F]{2}){1,256}") ? null
      : "'" + v + "' is not 'auto', '-' (no salt) or an even number of hex digits";
  // The kernels cosbuild boots (Debian cloud kernels) have 4 KiB pages, and dm-verity refuses blocks
  // larger than a page ("verity: Invalid data device block size"): such an image would not boot.
  static final FieldCheck VERITY_BLOCK = v -> v instanceof Long l && l >= 512 && l <= 4096 && Long.bitCount(l) == 1 ? null
      : "'" + v + "' is not a power of two from 512 to 4096 (the kernel refuses verity blocks larger than its 4 KiB pages)";
  static final FieldCheck SQUASHFS_BLOCK = v -> {
    String problem = SIZE_CHECK.check(v);
    if (problem != null) {
      return problem;
    }
    long b = v instanceof Long l ? l : ByteSize.parse(String.valueOf(v));
    return b >= 4096 && b <= 1 << 20 && Long.bitCount(b) == 1 ? null
        : "block size must be a power of two from 4KiB to 1MiB (4096 to 1048576), got " + v;
  };
  /** Sizes of partitions that must exist: more than 0 bytes. */
  static final FieldCheck PARTITION_SIZE = v -> {
    String problem = SIZE_CHECK.check(v);
    if (problem == null && !"auto".equals(v) && (v instanceof Long l ? l : ByteSize.parse(String.valueOf(v))) == 0) {
      return "size must be more than 0";
    }
    return problem;
  };
  static final FieldCheck DISK_SIZE = v -> {
    String problem = PARTITION_SIZE.check(v);
    if (problem == null && (v instanceof Long l ? l : ByteSize.parse(String.valueOf(v))) % 512 != 0) {
      return "disk size must be a whole number of 512-byte sectors, got " + v;
    }
    return problem;
  };

  static FieldCheck range(long min, long max) {
    return v -> v instanceof Long l && l >= min && l <= max ? null : "'" + v + "' must be a whole number from " + min + " to " + max;
  }

  public static final FieldSpec ROOT = object("", "An image profile.",
      of("name", STRING, null, "Profile name; defaults to the file name without its extension."),
      of("description", STRING, "", "One line saying what the image is for."),
      of("extends", STRING_LIST, List.of(), "Parent profiles (names or paths), merged in order before this file."),
      of("architectures", STRING_LIST, List.of("x86_64", "arm64"), "Architectures the profile can be built for (at least one).")
          .choices("x86_64", "arm64"),
      of("source-date-epoch", INT, null,
          "Timestamp (seconds, 0 to 4294967295: squashfs and ext4 keep 32-bit times) every mtime is clamped to; the --source-date-epoch flag, then the SOURCE_DATE_EPOCH variable, win over it; 0 when none is set.")
          .checked(range(0, 0xffffffffL)),
      objectList("repositories", "Debian repository to resolve from (one entry for now); none means the host's apt sources, suites bookworm and bookworm-updates, component main. suites and components must not be empty.",
          of("uri", STRING, "apt-sources",
              "Repository base URL, or 'apt-sources' for the mirror in the host's apt sources (COSBUILD_DEBIAN_MIRROR or --mirror override it)."),
          of("suites", STRING_LIST, List.of("bookworm", "bookworm-updates"), "Suites to read."),
          of("components", STRING_LIST, List.of("main"), "Components to read."),
          of("keyring", STRING, "/usr/share/keyrings/debian-archive-keyring.gpg", "OpenPGP keyring that signs the InRelease files.")),
      object("packages", "Which Debian packages make the image.",
          of("include", STRING_LIST, List.of(), "Packages to install with their dependencies ('name', 'name:arch', 'name=version'); none may also be in exclude or deny.")
              .checked(PACKAGE_NAME),
          of("exclude", STRING_LIST, List.of(), "Packages never installed even when a dependency names them (the dependency must be satisfied otherwise).")
              .checked(PACKAGE_NAME),
          of("deny", STRING_LIST, List.of(), "Packages whose presence anywhere in the closure fails the build, naming the chain that pulled them in.")
              .checked(PACKAGE_NAME),
          of("recommends", BOOL, false, "Also install Recommends."),
          of("essential", BOOL, false, "Also install every Essential: yes package (coreutils, dash, util-linux, ...), as debootstrap would."),
          of("allow-overrides", STRING_MAP, Map.of(), "Path -> package that wins when two packages ship different files at that path.")),
      object("kernel", "The kernel and what the initramfs needs of it.",
          of("package", STRING, "linux-image-cloud-{debarch}", "Kernel package; {debarch} becomes amd64 or arm64."),
          of("cmdline", STRING_LIST, List.of(), "Extra kernel command-line arguments (console and verity arguments are added by cosbuild)."),
          of("modules", STRING_LIST, List.of(), "Extra kernel modules for the initramfs, besides those the boot needs."),
          of("keep-modules", BOOL, false, "Install the kernel package's modules into the root image too, with the indexes depmod would make, so that modprobe loads them at run time."),
          of("initramfs-compression", ENUM, "gzip", "Initramfs compression.").choices("gzip", "zstd")),
      of("init", STRING, "/sbin/init", "The program the initramfs hands over to (switch_root) in the verified root."),
      object("rootfs", "The read-only root filesystem image.",
          of("type", ENUM, "squashfs", "Filesystem of the root image.").choices("squashfs", "ext4"),
          of("compression", ENUM, "zstd", "squashfs compressor.").choices("gzip", "zstd", "xz", "lz4"),
          of("compression-level", INT, null,
              "Compressor level (gzip 1-9, xz 0-9, lz4 0-17 where 0 is fast LZ4 and 1-17 LZ4 HC, zstd 1-22); the compressor's default when absent.")
              .checked(range(0, 22)),
          of("xz-bcj", STRING_LIST, List.of(), "xz only: branch filters for machine code that each data block is also "
              + "tried with, the smallest kept (mksquashfs -Xbcj); the kernel must decode them (CONFIG_XZ_DEC_X86...: "
              + "Debian 12's amd64 kernels have x86, its arm64 kernels none), which the build checks.")
              .choices("x86", "arm64", "arm", "armthumb", "powerpc", "sparc"),
          of("block-size", SIZE, "128KiB", "squashfs block size: a power of two from 4KiB to 1MiB.").checked(SQUASHFS_BLOCK),
          of("size", SIZE, "auto", "ext4 image size; 'auto' is the content plus a documented margin.").checked(SIZE_CHECK)),
      object("verity", "dm-verity protection of the root image.",
          of("algorithm", ENUM, "sha256", "Hash algorithm.").choices("sha256", "sha1", "sha512"),
          of("data-block-size", INT, 4096L, "Data block size in bytes: a power of two from 512 to 4096 (the kernel's page size).")
              .checked(VERITY_BLOCK),
          of("hash-block-size", INT, 4096L, "Hash block size in bytes: a power of two from 512 to 4096 (the kernel's page size).")
              .checked(VERITY_BLOCK),
          of("salt", STRING, "auto", "Hex salt, '-' for none, or 'auto' to derive it from the profile digest and root image.")
              .checked(HEX_OR_AUTO),
          of("on-corruption", ENUM, "panic", "What the kernel does on a corrupted block.").choices("panic", "restart"),
          of("signing-key", STRING, null, "PEM private key (RSA or EC, unencrypted) that signs the root hash "
              + "and manifest.json (detached PKCS#7: root.hash.p7s, manifest.json.p7s); path relative to the "
              + "profile. The signatures are deterministic for both key types, so signed builds stay reproducible."),
          of("signing-certificate", STRING, null, "PEM certificate matching signing-key.")),
      object("filesystem", "The runtime mount layout the initramfs sets up.",
          of("read-only", STRING_LIST, List.of("/", "/usr"), "Paths mounted read-only from the verified root.").checked(ABSOLUTE_PATH),
          of("etc", ENUM, "stateless", "/etc: 'stateless' (tmpfs overlay, reset every boot) or 'stateful' (overlay upper on STATE).")
              .choices("stateless", "stateful"),
          of("tmpfs", STRING_LIST, List.of("/tmp", "/run"), "Paths mounted as tmpfs; must include /run (the init and a stateless /etc use it).").checked(ABSOLUTE_PATH),
          of("stateful", STRING_LIST, List.of("/var"), "Paths bound from the STATE partition; not /, /etc or a tmpfs path.").checked(ABSOLUTE_PATH),
          of("var-symlinks", STRING_LIST, List.of(), "Paths that become symlinks into /var (e.g. /home -> /var/home); not / or a path below /var.").checked(ABSOLUTE_PATH),
          of("noexec", STRING_LIST, List.of(), "Mounts with noexec.").checked(ABSOLUTE_PATH),
          of("exec", STRING_LIST, List.of(), "Paths under noexec mounts that get their own exec bind mount (e.g. /var/lib/containerd); each below a stateful path.")
              .checked(ABSOLUTE_PATH),
          of("format-state", ENUM, "first-boot", "Format STATE at boot when it has no filesystem ('first-boot') or never ('never').")
              .choices("first-boot", "never")),
      object("security", "Hardening of the root filesystem.",
          of("sysctl", STRING_MAP, Map.of(), "Kernel settings written to /etc/sysctl.d/60-cosbuild-hardening.conf, over cosbuild's hardening defaults."),
          object("firewall", "Default-deny nftables ruleset.",
              of("enabled", BOOL, false, "Write /etc/nftables.conf with a default-deny input policy."),
              of("allow-tcp", INT_LIST, List.of(), "Inbound TCP ports allowed.").checked(PORT),
              of("allow-udp", INT_LIST, List.of(), "Inbound UDP ports allowed (not supported yet: refused when set).").checked(PORT)),
          object("ssh", "sshd policy (used when openssh-server is installed).",
              of("password-authentication", BOOL, false, "Allow password logins."),
              of("permit-root-login", BOOL, false, "Allow root logins."),
              of("port", INT, 22L, "sshd port. With the firewall enabled, a port other than 22 must be in security.firewall.allow-tcp"
                  + " (the ruleset does not open it by itself).").checked(PORT)),
          objectList("users", "Accounts added to /etc/passwd and /etc/group (locked passwords).",
              of("name", STRING, null, "User name (required).").checked(USER_NAME),
              of("uid", INT, null, "Numeric uid (0 to 2147483647); allocated from the system range when absent.").checked(range(0, MAX_ID)),
              of("gid", INT, null, "Numeric primary gid (0 to 2147483647); a group of the same name is made when absent.")
                  .checked(range(0, MAX_ID)),
              of("groups", STRING_LIST, List.of(), "Supplementary groups."),
              of("home", STRING, "/nonexistent", "Home directory.").checked(ABSOLUTE_PATH),
              of("shell", STRING, "/usr/sbin/nologin", "Login shell.").checked(ABSOLUTE_PATH)),
          of("remove-interpreters", STRING_LIST, List.of(), "Shells and interpreters to remove from /bin, /sbin, /usr/bin, /usr/sbin, with the links to them (e.g. bash, python3, perl*: a trailing * matches any suffix, such as perl5.36.0)."),
          of("strip-setuid", BOOL, false, "Clear the setuid and setgid bits of every regular file (su, passwd, mount, ...) but those in keep-setuid: an image without login accounts has no use for them."),
          of("keep-setuid", STRING_LIST, List.of(), "Files whose setuid and setgid bits strip-setuid leaves; each must be such a file in the image (links followed).").checked(ABSOLUTE_PATH),
          objectList("permissions", "Owner, group, mode and file capabilities of paths in the image, as dpkg-statoverride and setcap"
                  + " in a package's maintainer script would set them (cosbuild runs none): e.g. ping's cap_net_raw. Applied after"
                  + " the accounts are made and after strip-setuid, so a setuid mode given here stays; recorded in"
                  + " /var/lib/dpkg/statoverride. One entry per path.",
              of("path", STRING, null, "Absolute path of a file or directory in the image (required); not a symlink (name its"
                  + " target).").checked(ABSOLUTE_PATH),
              of("owner", STRING, null, "User name in the image's /etc/passwd, or a numeric uid; unchanged when absent.").checked(ACCOUNT),
              of("group", STRING, null, "Group name in the image's /etc/group, or a numeric gid; unchanged when absent.").checked(ACCOUNT),
              of("mode", STRING, null, "Octal permissions with the setuid, setgid and sticky bits (e.g. 4754); unchanged when absent.")
                  .checked(OCTAL_MODE),
              of("capabilities", STRING, null, "File capabilities of a regular file in setcap's form (e.g. cap_net_raw=ep), stored"
                  + " as its security.capability attribute; unchanged when absent.").checked(CAPABILITIES)),
          of("keep-docs", BOOL, true, "Keep /usr/share/doc, man and info pages."),
          of("keep-locales", STRING_LIST, List.of("*"), "Locales to keep under /usr/share/locale; '*' keeps all."),
          of("audit-errors", STRING_LIST, List.of(), "Audit findings that fail the build.")
              .choices("setuid", "setgid", "world-writable", "secrets", "vcs-leftovers", "shell-reachable", "shell-references",
                  "maintainer-permissions")),
      object("systemd", "systemd units.",
          of("enable", STRING_LIST, List.of(), "Units to enable (wants symlinks as systemctl enable makes them).").checked(UNIT_NAME),
          of("default-target", STRING, "multi-user.target", "default.target.").checked(UNIT_NAME)),
      of("alternatives", STRING_MAP, Map.of(), "update-alternatives choices: name -> target path (e.g. iptables: /usr/sbin/iptables-nft)."),
      objectList("files", "Files added to the root image after packages.",
          of("path", STRING, null, "Absolute path in the image (required).").checked(ABSOLUTE_PATH),
          of("content", STRING, null, "File content (text)."),
          of("source", STRING, null, "A file whose bytes are copied, relative to the profile."),
          of("symlink", STRING, null, "Make a symlink with this target instead of a file."),
          of("mode", STRING, "0644", "Octal permissions.").checked(OCTAL_MODE),
          of("owner", STRING, "0:0", "Numeric uid:gid, each 0 to 2147483647.").checked(OWNER)),
      object("disk", "The GPT disk image.",
          of("size", SIZE, "4GiB", "Whole disk size (512-byte sectors); STATE fills what the other partitions leave; every partition,"
              + " each rounded up to 1MiB, must fit.").checked(DISK_SIZE),
          of("esp-size", SIZE, "64MiB", "EFI system partition (partition 1).").checked(PARTITION_SIZE),
          of("esp", ENUM, "empty", "What the EFI system partition holds: 'empty' (the disk boots where the kernel and initramfs are"
              + " given from outside, as cosbuild boot does), or 'uki': a FAT32 filesystem with a unified kernel image (systemd's EFI"
              + " stub with the kernel, the initramfs and the command line) at /EFI/BOOT/BOOTX64.EFI (BOOTAA64.EFI on arm64), which"
              + " UEFI firmware boots by itself; needs esp-size of at least " + ESP_UKI_MIN_MIB
              + "MiB.").choices("empty", "uki"),
          of("secure-boot-key", STRING, null, "PEM RSA private key (unencrypted) that signs the unified kernel image for UEFI"
              + " Secure Boot (Authenticode, SHA-256; needs esp: uki); path relative to the profile. The signature is"
              + " deterministic, so signed builds stay reproducible."),
          of("secure-boot-certificate", STRING, null, "PEM certificate matching secure-boot-key: the one to enroll in the"
              + " firmware's db (signature database)."),
          of("root-size", SIZE, "1GiB", "Each of ROOT-A and ROOT-B.").checked(PARTITION_SIZE),
          of("verity-size", SIZE, "auto", "Each of VERITY-A and VERITY-B; 'auto' fits the hash tree of root-size.").checked(PARTITION_SIZE),
          of("oem-size", SIZE, "16MiB", "OEM partition.").checked(PARTITION_SIZE),
          of("state-min-size", SIZE, "512MiB", "Smallest STATE partition accepted.").checked(SIZE_CHECK),
          of("root-b", ENUM, "empty", "ROOT-B/VERITY-B: left empty, or a copy of slot A.").choices("empty", "copy"),
          of("formats", STRING_LIST, List.of("raw"), "Outputs besides disk.raw.").choices("raw", "qcow2", "gce")));

  private ProfileSchema() {}
}

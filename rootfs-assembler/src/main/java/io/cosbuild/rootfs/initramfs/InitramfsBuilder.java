package io.cosbuild.rootfs.initramfs;

import io.cosbuild.rootfs.cpio.NewcCpioWriter;
import io.cosbuild.rootfs.tree.Blob;
import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.NodeMetadata;
import io.cosbuild.rootfs.tree.TreeException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Builds the initramfs tree from the "boot" package tree (the kernel package, busybox-static,
 * dmsetup, fdisk, e2fsprogs and their libraries, extracted as the root is): busybox with the applets
 * the init uses, dmsetup, sfdisk, resize2fs and mke2fs with their program interpreter and
 * {@code DT_NEEDED} libraries found in the multiarch library directories, the wanted kernel modules and their dependencies with a
 * {@code modules.dep}, {@code /dev/console}, and the generated {@code /init}. Every entry is owned
 * by 0:0 with mtime {@code epoch}. Stateless and thread-safe.
 */
public final class InitramfsBuilder {

  /** Busybox applets the init script calls (plus a few for a rescue shell). */
  public static final List<String> APPLETS = List.of("cat", "cp", "dd", "echo", "grep", "insmod", "ls", "lsmod",
      "mkdir", "modprobe", "mount", "od", "sh", "sleep", "switch_root", "tr", "umount", "uname");

  /**
   * Programs the init runs, with their packages: dmsetup opens the verity root; sfdisk and resize2fs grow
   * STATE to an enlarged disk; mke2fs formats a STATE without a filesystem as ext4 (busybox's makes ext2).
   */
  private static final List<String[]> PROGRAMS = List.of(new String[] {"dmsetup", "dmsetup"},
      new String[] {"sfdisk", "fdisk"}, new String[] {"resize2fs", "e2fsprogs"}, new String[] {"mke2fs", "e2fsprogs"});

  private static final List<String> LIB_DIRS = List.of("/lib/%s", "/usr/lib/%s", "/lib", "/usr/lib", "/lib64", "/usr/lib64");
  private static final String ORIGIN = "initramfs";

  private InitramfsBuilder() {}

  /**
   * Plans the initramfs.
   *
   * @param boot the extracted boot packages; must hold exactly one {@code /lib/modules/<release>}
   * @param store where the generated files ({@code /init}, {@code modules.dep}) are put
   * @throws InitramfsException naming what is missing from {@code boot} or wrong in a file
   */
  public static Initramfs build(FsTree boot, BootPlan plan, BlobStore store, long epoch) throws InitramfsException {
    TreeReader r = new TreeReader(boot);
    String release = kernelRelease(r);
    String modDir = "/lib/modules/" + release;
    ModulesDep deps = ModulesDep.resolve(new TreeModuleSource(r, modDir), plan.modules());
    Blob kernel = r.file("/boot/vmlinuz-" + release)
        .orElseThrow(() -> new InitramfsException("the kernel package has no /boot/vmlinuz-" + release));

    NodeMetadata dir = NodeMetadata.of(0755, 0, 0, epoch);
    FsTreeBuilder b = new FsTreeBuilder(dir);
    try {
      for (String d : List.of("/bin", "/sbin", "/dev", "/proc", "/sys", "/newroot", "/etc", modDir)) {
        mkdirs(b, d, dir);
      }
      b.add(FsPath.parse("/dev/console"), new FsNode.Device(NodeMetadata.of(0600, 0, 0, epoch), false, 5, 1), ORIGIN);

      Blob busybox = firstFile(r, "busybox", "/bin/busybox", "/usr/bin/busybox");
      if (ElfFile.parse("busybox", busybox.readAllBytes()).interpreter().isPresent()) {
        throw new InitramfsException("busybox in the boot packages is dynamically linked; use busybox-static");
      }
      addFile(b, "/bin/busybox", busybox, 0755, epoch, dir);
      for (String a : APPLETS) {
        b.add(FsPath.parse("/bin/" + a), new FsNode.Symlink(NodeMetadata.of(0777, 0, 0, epoch), "busybox"), ORIGIN);
      }

      for (String[] tool : PROGRAMS) {
        Blob program = firstFile(r, tool[0] + " (package " + tool[1] + ")", "/sbin/" + tool[0], "/usr/sbin/" + tool[0]);
        addFile(b, "/sbin/" + tool[0], program, 0755, epoch, dir);
        addLibraries(r, b, tool[0], program.readAllBytes(), epoch, dir);
      }

      List<String> order = new ArrayList<>();
      for (KernelModule m : deps.loadOrder()) {
        Blob blob = r.file(modDir + "/" + m.path()).orElseThrow();
        addFile(b, modDir + "/" + m.path(), blob, 0644, epoch, dir);
        order.add(m.path());
      }
      addFile(b, modDir + "/modules.dep", store.put(deps.modulesDep().getBytes(StandardCharsets.UTF_8)), 0644, epoch, dir);
      String init = InitScript.render(plan, order);
      addFile(b, "/init", store.put(init.getBytes(StandardCharsets.UTF_8)), 0755, epoch, dir);
      return new Initramfs(b.build(), release, kernel, deps, init);
    } catch (TreeException e) {
      throw new InitramfsException("initramfs: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new InitramfsException("initramfs: cannot read a file of the boot packages: " + e.getMessage(), e);
    }
  }

  /** Writes {@code initramfs} as a compressed newc cpio to {@code out} (closed when done). */
  public static void write(Initramfs initramfs, InitramfsCompression compression, long epoch, OutputStream out)
      throws IOException {
    try (OutputStream z = compression.wrap(out)) {
      NewcCpioWriter.write(initramfs.tree(), epoch, z);
    }
  }

  static String kernelRelease(TreeReader r) throws InitramfsException {
    SortedSet<String> releases = new TreeSet<>(r.children("/lib/modules"));
    releases.removeIf(rel -> r.resolve("/lib/modules/" + rel).map(n -> !(n instanceof FsNode.Directory)).orElse(true));
    if (releases.size() != 1) {
      throw new InitramfsException("the boot packages must hold exactly one kernel (/lib/modules/<release>), found "
          + releases + "; list one linux-image package in the profile's kernel");
    }
    return releases.first();
  }

  private static void addLibraries(TreeReader r, FsTreeBuilder b, String what, byte[] elfBytes, long epoch,
      NodeMetadata dir) throws InitramfsException, IOException, TreeException {
    ElfFile elf = ElfFile.parse(what, elfBytes);
    String triplet = switch (elf.machine()) {
      case ElfFile.EM_X86_64 -> "x86_64-linux-gnu";
      case ElfFile.EM_AARCH64 -> "aarch64-linux-gnu";
      default -> throw new InitramfsException(what + ": unsupported ELF machine " + elf.machine());
    };
    Optional<String> interp = elf.interpreter();
    if (interp.isPresent()) {
      Blob ld = r.file(interp.get()).orElseThrow(() -> new InitramfsException(what + " needs the program interpreter "
          + interp.get() + ", which no boot package ships (add libc6)"));
      addFile(b, interp.get(), ld, 0755, epoch, dir);
    }
    Set<String> seen = new LinkedHashSet<>();
    Deque<ElfFile> todo = new ArrayDeque<>(List.of(elf));
    while (!todo.isEmpty()) {
      for (String lib : todo.pop().needed()) {
        if (!seen.add(lib)) {
          continue;
        }
        String found = null;
        for (String d : LIB_DIRS) {
          String p = String.format(d, triplet) + "/" + lib;
          if (r.file(p).isPresent()) {
            found = p;
            break;
          }
        }
        if (found == null) {
          throw new InitramfsException(what + " needs " + lib + ", which no boot package ships: add the package "
              + "that holds it (dpkg -S " + lib + ") to the boot packages");
        }
        Blob blob = r.file(found).orElseThrow();
        if (b.get(FsPath.parse(found)).isEmpty()) {
          addFile(b, found, blob, 0644, epoch, dir);
        }
        todo.add(ElfFile.parse(found, blob.readAllBytes()));
      }
    }
  }

  private static Blob firstFile(TreeReader r, String what, String... paths) throws InitramfsException {
    for (String p : paths) {
      Optional<Blob> f = r.file(p);
      if (f.isPresent()) {
        return f.get();
      }
    }
    throw new InitramfsException("the boot packages have no " + what + " at " + String.join(" or ", paths));
  }

  private static void addFile(FsTreeBuilder b, String path, Blob blob, int mode, long epoch, NodeMetadata dir)
      throws TreeException {
    FsPath p = FsPath.parse(path);
    mkdirs(b, p.parent().value(), dir);
    b.add(p, new FsNode.RegularFile(NodeMetadata.of(mode, 0, 0, epoch), blob), ORIGIN);
  }

  private static void mkdirs(FsTreeBuilder b, String path, NodeMetadata dir) throws TreeException {
    FsPath p = FsPath.ROOT;
    for (String c : FsPath.parse(path).components()) {
      p = p.resolve(c);
      if (b.get(p).isEmpty()) {
        b.add(p, new FsNode.Directory(dir), ORIGIN);
      }
    }
  }

  /** Reads an {@link FsTree} following symlinks, as a program on that root would. */
  static final class TreeReader {
    private final FsTree tree;

    TreeReader(FsTree tree) {
      this.tree = tree;
    }

    Optional<FsNode> resolve(String path) {
      return canonical(path).flatMap(p -> tree.get(FsPath.parse(p)));
    }

    Optional<Blob> file(String path) {
      return resolve(path).filter(n -> n instanceof FsNode.RegularFile).map(n -> ((FsNode.RegularFile) n).blob());
    }

    /** The non-blank lines of a text file, trimmed; none if it is absent. */
    List<String> lines(String path) throws IOException {
      Optional<Blob> f = file(path);
      List<String> out = new ArrayList<>();
      if (f.isPresent()) {
        for (String l : new String(f.get().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
          if (!l.isBlank()) {
            out.add(l.trim());
          }
        }
      }
      return out;
    }

    List<String> children(String dir) {
      return canonical(dir).map(p -> tree.children(FsPath.parse(p))).orElse(List.of());
    }

    /** The path with every symlink resolved, or empty if a component is missing or links loop. */
    Optional<String> canonical(String path) {
      Deque<String> todo = new ArrayDeque<>(FsPath.parse(path).components());
      List<String> done = new ArrayList<>();
      int hops = 0;
      while (!todo.isEmpty()) {
        String c = todo.pop();
        if (c.equals("..")) {
          if (!done.isEmpty()) {
            done.remove(done.size() - 1);
          }
          continue;
        }
        if (c.equals(".") || c.isEmpty()) {
          continue;
        }
        done.add(c);
        Optional<FsNode> n = tree.get(FsPath.parse("/" + String.join("/", done)));
        if (n.isEmpty()) {
          return Optional.empty();
        }
        if (n.get() instanceof FsNode.Symlink s) {
          if (++hops > 40) {
            return Optional.empty();
          }
          done.remove(done.size() - 1);
          if (s.target().startsWith("/")) {
            done.clear();
          }
          List<String> t = new ArrayList<>(List.of(s.target().split("/")));
          for (int i = t.size() - 1; i >= 0; i--) {
            todo.push(t.get(i));
          }
        }
      }
      return Optional.of("/" + String.join("/", done));
    }
  }

  /** Module files of one release inside a tree. */
  static final class TreeModuleSource implements ModuleSource {
    private final TreeReader r;
    private final String dir;

    TreeModuleSource(TreeReader r, String dir) {
      this.r = r;
      this.dir = dir;
    }

    @Override
    public SortedSet<String> modulePaths() {
      SortedSet<String> out = new TreeSet<>();
      String base = r.canonical(dir).orElse(dir);
      FsPath root = FsPath.parse(base);
      for (var e : r.tree.entries().tailMap(root, false).entrySet()) {
        if (!e.getKey().startsWith(root)) {
          break;
        }
        String rel = e.getKey().value().substring(base.length() + 1);
        if (e.getValue() instanceof FsNode.RegularFile && rel.matches(".*\\.ko(\\.xz|\\.zst|\\.gz)?")) {
          out.add(rel);
        }
      }
      return out;
    }

    @Override
    public byte[] read(String path) throws IOException {
      return r.file(dir + "/" + path).orElseThrow(() -> new IOException(dir + "/" + path + " is not a file")).readAllBytes();
    }

    @Override
    public SortedSet<String> builtin() throws IOException {
      return new TreeSet<>(r.lines(dir + "/modules.builtin"));
    }
  }
}

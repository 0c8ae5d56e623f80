package io.cosbuild.rootfs.initramfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.rootfs.assembly.AssemblyPlan;
import io.cosbuild.rootfs.assembly.PackageExtractor;
import io.cosbuild.rootfs.dpkg.DebFile;
import io.cosbuild.rootfs.testutil.RealDebs;
import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.NodeMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module indexes of a real Debian cloud kernel, judged by kmod: the host's modprobe, reading
 * ours, loads for every module the same modules as with the files the host's depmod writes, each
 * after what its {@code modinfo} says it depends on; the alias and builtin indexes are byte-identical
 * to depmod's (so a built-in module's alias resolves), and so is modules.devname; the soft dependencies
 * are the same.
 */
class ModulesIndexIT {

  @TempDir Path dir;

  @Test
  void kmodReadsOurIndexesAsItReadsDepmods() throws Exception {
    String kernel = InitramfsIT.kernelPackage("linux-image-cloud-amd64");
    BlobStore store = BlobStore.open(dir.resolve("blobs"));
    FsTree tree = PackageExtractor.extract(List.of(DebFile.read(RealDebs.fetch(List.of(kernel)).get(0), null)),
        AssemblyPlan.mergedUsrFor("amd64"), Map.of(), store, NodeMetadata.of(0755, 0, 0, 1_700_000_000L)).tree();
    var releases = ModulesIndex.releases(tree);
    assertEquals(1, releases.size(), releases.toString());
    String release = releases.firstKey();
    FsPath modDir = FsPath.parse(releases.get(release));

    // The package's files twice on disk: once with our indexes, once for depmod.
    Path ours = dir.resolve("ours");
    Path theirs = dir.resolve("theirs");
    List<String> names = new ArrayList<>();
    for (var e : tree.entries().tailMap(modDir, false).entrySet()) {
      if (!e.getKey().startsWith(modDir)) {
        break;
      }
      if (e.getValue() instanceof FsNode.RegularFile f) {
        String rel = e.getKey().value().substring(modDir.value().length() + 1);
        byte[] bytes = f.blob().readAllBytes();
        for (Path root : new Path[] {ours, theirs}) {
          Path to = root.resolve("lib/modules").resolve(release).resolve(rel);
          Files.createDirectories(to.getParent());
          Files.write(to, bytes);
        }
        if (rel.matches(".*\\.ko(\\.xz|\\.zst|\\.gz)?")) {
          names.add(KernelModule.nameOfPath(rel));
        }
      }
    }
    assertTrue(names.size() > 500, names.size() + " modules");
    for (Map.Entry<String, byte[]> f : ModulesIndex.of(tree, release).files().entrySet()) {
      Files.write(ours.resolve("lib/modules").resolve(release).resolve(f.getKey()), f.getValue());
    }
    RealDebs.Result depmod = RealDebs.run(List.of("depmod", "-b", theirs.toString(), release));
    assertEquals(0, depmod.code(), depmod.output());

    Path oursDir = ours.resolve("lib/modules").resolve(release);
    Path theirsDir = theirs.resolve("lib/modules").resolve(release);
    for (String f : new String[] {"modules.alias.bin", "modules.builtin.bin", "modules.builtin.alias.bin", "modules.devname"}) {
      assertArrayEquals(Files.readAllBytes(theirsDir.resolve(f)), Files.readAllBytes(oursDir.resolve(f)), f);
    }
    assertEquals(new TreeSet<>(Files.readAllLines(theirsDir.resolve("modules.softdep"))),
        new TreeSet<>(Files.readAllLines(oursDir.resolve("modules.softdep"))));

    int checked = 0;
    for (String name : names) {
      List<String> mine = loads(ours, release, name);
      assertEquals(new TreeSet<>(loads(theirs, release, name)), new TreeSet<>(mine), name);
      Set<String> loaded = new HashSet<>();
      for (String path : mine) {
        String m = KernelModule.nameOfPath(path);
        RealDebs.Result info = RealDebs.run(List.of("modinfo", "-F", "depends", oursDir.resolve(path).toString()));
        for (String d : info.output().strip().split(",")) {
          assertTrue(d.isBlank() || loaded.contains(KernelModule.normalise(d)), name + ": " + m + " loaded before " + d);
        }
        loaded.add(m);
      }
      checked++;
    }
    assertEquals(names.size(), checked);
    RealDebs.Result builtin = RealDebs.run(List.of("modprobe", "-C", ours.resolve("no-config").toString(), "-d",
        ours.toString(), "-S", release, "--show-depends", "ext4"));
    assertEquals("builtin ext4", builtin.output().strip());
    RealDebs.Result alias = RealDebs.run(List.of("modprobe", "-C", ours.resolve("no-config").toString(), "-d",
        ours.toString(), "-S", release, "--resolve-alias", "fs-ext4"));
    assertEquals("ext4", alias.output().strip());
  }

  /** The module files (relative to the release's directory) kmod's modprobe would load for {@code name}, in order. */
  private static List<String> loads(Path root, String release, String name) throws Exception {
    // -C: an empty configuration, not the host's /etc/modprobe.d (options, blacklists).
    RealDebs.Result r = RealDebs.run(List.of("modprobe", "-C", root.resolve("no-config").toString(), "-d", root.toString(),
        "-S", release, "--show-depends", name));
    assertEquals(0, r.code(), name + ": " + r.output());
    String prefix = "insmod " + root.resolve("lib/modules").resolve(release) + "/";
    List<String> out = new ArrayList<>();
    for (String l : r.output().lines().toList()) {
      if (l.startsWith(prefix)) {
        out.add(l.substring(prefix.length()).strip().split(" ")[0]);
      }
    }
    assertTrue(!out.isEmpty(), name + ": " + r.output());
    return out;
  }
}

package io.cosbuild.cli.verify;

import com.fasterxml.jackson.databind.JsonNode;
import io.cosbuild.cli.Json;
import io.cosbuild.cli.build.FileDigests;
import io.cosbuild.cli.build.ImageLock;
import io.cosbuild.cli.build.Manifest;
import io.cosbuild.disk.gpt.Guids;
import io.cosbuild.packages.PackagesException;
import io.cosbuild.packages.lock.LockFile;
import io.cosbuild.packages.lock.LockedPackage;
import io.cosbuild.rootfs.initramfs.KernelCommandLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The manifest's facts that the partition table and the verity trees do not already prove, each held against
 * what it describes: the disk's size, the root image in ROOT-A, the ESP's bytes, the GUIDs its profile
 * digest derives, the verity words of the kernel command line, the lock file's and the SBOM's packages. Stateless.
 */
final class ManifestChecks {

  private ManifestChecks() {}

  static void check(Path dir, Manifest m, Path disk, List<String> problems) throws IOException {
    checkDisk(m, disk, problems);
    checkPartitionDigests(m, disk, problems);
    checkGuids(m, problems);
    checkCommandLine(m, problems);
    checkLock(dir.resolve("cosbuild.lock"), m, problems);
    checkSbom(dir.resolve("sbom.spdx.json"), m, problems);
  }

  private static void checkDisk(Manifest m, Path disk, List<String> problems) throws IOException {
    long size = Files.size(disk);
    if (size != m.disk().sizeBytes()) {
      problems.add(disk.getFileName() + ": " + size + " bytes, manifest.json says " + m.disk().sizeBytes());
    }
    Manifest.Partition rootA = m.disk().partitions().stream().filter(p -> p.number() == 2).findFirst().orElse(null);
    if (rootA == null || m.rootfs() == null) {
      problems.add("manifest.json: no ROOT-A partition or rootfs to check");
      return;
    }
    long offset = rootA.firstLba() * 512;
    long length = m.rootfs().size();
    if (length > (rootA.lastLba() - rootA.firstLba() + 1) * 512 || offset + length > size) {
      problems.add("rootfs: " + length + " bytes do not fit in ROOT-A on the disk");
      return;
    }
    String actual = FileDigests.sha256(disk, offset, length);
    if (!actual.equals(m.rootfs().sha256())) {
      problems.add("rootfs: ROOT-A's first " + length + " bytes have sha256 " + actual + ", manifest.json says "
          + m.rootfs().sha256());
    }
  }

  /**
   * The partitions whose bytes the manifest records (from version 4: the ESP with a unified kernel image, which no
   * verity tree covers) are as built: a changed kernel, initramfs or command line on the ESP shows here even where
   * firmware does not check signatures.
   */
  private static void checkPartitionDigests(Manifest m, Path disk, List<String> problems) throws IOException {
    long size = Files.size(disk);
    for (Manifest.Partition p : m.disk().partitions()) {
      String what = p.name() + " (partition " + p.number() + ")";
      if (p.sha256() == null) {
        if (m.manifestVersion() >= 4 && "uki".equals(p.content())) {
          problems.add("manifest.json: " + what + " has no sha256 to check its bytes against");
        }
        continue;
      }
      long offset = p.firstLba() * 512;
      long length = (p.lastLba() - p.firstLba() + 1) * 512;
      if (p.firstLba() < 0 || p.lastLba() < p.firstLba() || offset + length > size) {
        problems.add(what + ": LBAs " + p.firstLba() + " to " + p.lastLba() + " are not on the disk");
        continue;
      }
      String actual = FileDigests.sha256(disk, offset, length);
      if (!actual.equals(p.sha256())) {
        problems.add(what + ": its bytes have sha256 " + actual + ", manifest.json says " + p.sha256()
            + ": the partition is not as built");
      }
    }
  }

  /** The disk GUID and every partition GUID but ROOT-A's and VERITY-A's (the root hash's) derive from the profile digest. */
  private static void checkGuids(Manifest m, List<String> problems) {
    String seed = m.profile().digest() + "/" + m.arch();
    UUID disk = Guids.derive(seed, "disk");
    if (!disk.toString().equals(m.disk().diskGuid())) {
      problems.add("manifest.json: disk GUID " + m.disk().diskGuid() + " is not the one profile digest " + m.profile().digest()
          + " and arch " + m.arch() + " give (" + disk + ")");
    }
    for (Manifest.Partition p : m.disk().partitions()) {
      UUID expected = Guids.derive(seed, p.name());
      if (p.number() != 2 && p.number() != 3 && !expected.toString().equals(p.partitionGuid())) {
        problems.add("manifest.json: partition " + p.number() + " (" + p.name() + ") GUID " + p.partitionGuid()
            + " is not the one profile digest and arch give (" + expected + ")");
      }
    }
  }

  /** The cosbuild.* verity words must say what the manifest's verity section says; the hardening words must be there. */
  private static void checkCommandLine(Manifest m, List<String> problems) {
    Manifest.VerityRef v = m.verity();
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("cosbuild.root", "ROOT-A");
    expected.put("cosbuild.verity.hashdev", "VERITY-A");
    expected.put("cosbuild.verity.alg", v.algorithm());
    expected.put("cosbuild.verity.bs", Integer.toString(v.dataBlockSize()));
    expected.put("cosbuild.verity.hbs", Integer.toString(v.hashBlockSize()));
    expected.put("cosbuild.verity.blocks", Long.toString(v.dataBlocks()));
    expected.put("cosbuild.verity.roothash", v.rootHash());
    expected.put("cosbuild.verity.salt", v.salt().isEmpty() ? "-" : v.salt());
    List<String> words = List.of(m.kernelCommandLine() == null ? new String[0] : m.kernelCommandLine().trim().split(" +"));
    for (Map.Entry<String, String> e : expected.entrySet()) {
      List<String> values = words.stream().filter(w -> w.startsWith(e.getKey() + "="))
          .map(w -> w.substring(e.getKey().length() + 1)).toList();
      if (!values.equals(List.of(e.getValue()))) {
        problems.add("kernelCommandLine: " + e.getKey() + " is " + (values.isEmpty() ? "missing" : String.join(", ", values))
            + ", the manifest's verity section says " + e.getValue());
      }
    }
    for (String w : KernelCommandLine.HARDENING) {
      if (!words.contains(w)) {
        problems.add("kernelCommandLine: the hardening option " + w + " is missing");
      }
    }
  }

  /** Every package in the manifest is one of the lock's, and every root package of the lock is in the manifest. */
  private static void checkLock(Path file, Manifest m, List<String> problems) {
    if (!Files.exists(file) || m.packages() == null) {
      return; // a listed lock that is missing is reported with the files
    }
    ImageLock lock;
    try {
      lock = ImageLock.read(file);
    } catch (PackagesException e) {
      problems.add(e.getMessage());
      return;
    }
    if (!lock.profile().equals(m.profile().name()) || !lock.arch().equals(m.arch())) {
      problems.add("cosbuild.lock: is for " + lock.profile() + " on " + lock.arch() + ", manifest.json for " + m.profile().name()
          + " on " + m.arch());
    }
    Set<String> manifest = m.packages().stream().map(p -> key(p.name(), p.version(), p.arch(), p.sha256()))
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> locked = keys(lock.root());
    locked.addAll(keys(lock.boot()));
    differences(problems, "manifest.json", manifest, "cosbuild.lock", locked);
    differences(problems, "cosbuild.lock (root)", keys(lock.root()), "manifest.json", manifest);
  }

  /** The SBOM lists exactly the manifest's packages, and was made at the source date epoch. */
  private static void checkSbom(Path file, Manifest m, List<String> problems) {
    if (!Files.exists(file) || m.packages() == null || m.manifestVersion() < 2) {
      return; // version 1 left out the kernel packages that keep-modules puts into the root
    }
    JsonNode doc;
    try {
      doc = Json.mapper().readTree(file.toFile());
    } catch (IOException e) {
      problems.add(file.getFileName() + ": not readable JSON: " + e.getMessage().lines().findFirst().orElse(""));
      return;
    }
    Set<String> sbom = new TreeSet<>();
    for (JsonNode p : doc.path("packages")) {
      if (p.path("primaryPackagePurpose").asText().equals("OPERATING_SYSTEM")) {
        continue; // the image itself
      }
      String sha = "";
      for (JsonNode c : p.path("checksums")) {
        if (c.path("algorithm").asText().equals("SHA256")) {
          sha = c.path("checksumValue").asText();
        }
      }
      sbom.add(key(p.path("name").asText(), p.path("versionInfo").asText(), null, sha));
    }
    Set<String> manifest = m.packages().stream().map(p -> key(p.name(), p.version(), null, p.sha256()))
        .collect(Collectors.toCollection(TreeSet::new));
    differences(problems, "sbom.spdx.json", sbom, "manifest.json", manifest);
    differences(problems, "manifest.json", manifest, "sbom.spdx.json", sbom);
    String created = doc.path("creationInfo").path("created").asText();
    if (!created.equals(Instant.ofEpochSecond(m.sourceDateEpoch()).toString())) {
      problems.add("sbom.spdx.json: created " + created + ", but manifest.json's sourceDateEpoch is " + m.sourceDateEpoch() + " ("
          + Instant.ofEpochSecond(m.sourceDateEpoch()) + ")");
    }
  }

  private static Set<String> keys(LockFile lock) {
    return lock.packages().stream().map((LockedPackage p) -> key(p.name(), p.version(), p.arch(), p.sha256()))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static String key(String name, String version, String arch, String sha256) {
    return name + " " + version + (arch == null ? "" : " " + arch) + " (sha256 " + sha256 + ")";
  }

  /** Names the first few of {@code a}'s entries that {@code b} lacks. */
  private static void differences(List<String> problems, String aName, Set<String> a, String bName, Set<String> b) {
    List<String> missing = a.stream().filter(k -> !b.contains(k)).toList();
    if (!missing.isEmpty()) {
      problems.add(aName + ": " + missing.size() + " package(s) not in " + bName + ": "
          + String.join("; ", missing.subList(0, Math.min(5, missing.size()))) + (missing.size() > 5 ? "; ..." : ""));
    }
  }
}

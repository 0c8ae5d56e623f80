package io.cosbuild.cli.build;

import io.cosbuild.cli.Json;
import io.cosbuild.disk.layout.PartitionContent;
import io.cosbuild.disk.layout.PartitionRole;
import io.cosbuild.disk.layout.PlannedPartition;
import io.cosbuild.disk.layout.WrittenDisk;
import io.cosbuild.rootfs.dpkg.PackageContent;
import io.cosbuild.rootfs.squashfs.XzFilter;
import io.cosbuild.verity.VerityResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds and writes {@code manifest.json} from the results of the build stages. Stateless. */
final class ManifestWriter {

  private ManifestWriter() {}

  /**
   * @param installed the packages in the root filesystem: the lock's root set, plus the kernel image packages when
   *     {@code kernel.keep-modules} puts their modules into the root
   */
  static Manifest build(BuildRequest req, List<PackageContent> installed, Path rootImage, VerityResult verity, WrittenDisk disk, String signatureFile,
      String cmdline, Map<String, Path> files, String version) throws IOException {
    List<Manifest.PackageRef> packages = new ArrayList<>();
    for (PackageContent p : installed) {
      packages.add(new Manifest.PackageRef(p.name(), p.version(), p.architecture(), p.sha256()));
    }
    packages.sort(Comparator.comparing(Manifest.PackageRef::name).thenComparing(Manifest.PackageRef::arch));
    var rootfs = req.profile().rootfs();
    boolean squashfs = rootfs.type().equals("squashfs");
    Integer level = squashfs ? RootImageStage.squashfsLevel(rootfs) : null;
    List<String> filters = squashfs ? RootImageStage.xzFilters(rootfs).stream().map(XzFilter::cliName).toList() : List.of();
    Manifest.RootfsRef root = new Manifest.RootfsRef(rootfs.type(), squashfs ? rootfs.compression() : "none", level,
        filters, Files.size(rootImage), FileDigests.sha256(rootImage));
    var vp = verity.params();
    Manifest.VerityRef v = new Manifest.VerityRef(vp.hashAlgorithm().kernelName(), vp.hashType(), vp.dataBlockSize(), vp.hashBlockSize(),
        vp.dataBlocks(), verity.saltHex(), verity.rootHashHex(), verity.layout().hashDeviceSize(), signatureFile);
    List<Manifest.Partition> parts = new ArrayList<>();
    for (PlannedPartition p : disk.layout().partitions()) {
      boolean slotB = p.role() == PartitionRole.ROOT_B || p.role() == PartitionRole.VERITY_B;
      String content = p.content() instanceof PartitionContent.Empty ? "empty" : slotB ? "copy"
          : p.role() == PartitionRole.EFI_SYSTEM ? "uki" : "data";
      // No verity tree covers the ESP's unified kernel image; OEM and STATE are left to provisioning and the system.
      boolean hashed = p.role() == PartitionRole.EFI_SYSTEM && !(p.content() instanceof PartitionContent.Empty);
      parts.add(new Manifest.Partition(p.number(), p.name(), p.type().guid().toString(), p.partGuid().toString(), p.firstLba(),
          p.lastLba(), p.attributes().hex(), p.attributes().describe(), content,
          hashed ? FileDigests.sha256(disk.path(), p.firstLba() * 512, (p.lastLba() - p.firstLba() + 1) * 512) : null));
    }
    Manifest.Disk d = new Manifest.Disk(disk.layout().diskGuid().toString(), disk.layout().diskSizeBytes(), 512, parts);
    Map<String, Manifest.FileRef> refs = new TreeMap<>();
    for (Map.Entry<String, Path> e : files.entrySet()) {
      refs.put(e.getKey(), new Manifest.FileRef(Files.size(e.getValue()), FileDigests.sha256(e.getValue())));
    }
    return new Manifest(Manifest.VERSION, version, new Manifest.ProfileRef(req.profile().name(), req.profile().digest()),
        req.arch().id(), req.sourceDateEpoch(), packages, root, v, d, cmdline, refs);
  }

  static void write(Manifest m, Path file) throws IOException {
    Files.writeString(file, Json.write(m) + "\n", StandardCharsets.UTF_8);
  }

}

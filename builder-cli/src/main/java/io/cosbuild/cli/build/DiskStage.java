package io.cosbuild.cli.build;

import io.cosbuild.cli.BuildFailure;
import io.cosbuild.disk.DiskFormat;
import io.cosbuild.disk.DiskImageException;
import io.cosbuild.disk.DiskOutputs;
import io.cosbuild.disk.gpt.RootHash;
import io.cosbuild.disk.layout.DiskLayout;
import io.cosbuild.disk.layout.DiskLayoutRequest;
import io.cosbuild.disk.layout.PartitionContent;
import io.cosbuild.disk.layout.PartitionRequest;
import io.cosbuild.disk.layout.PartitionRole;
import io.cosbuild.disk.layout.PlannedPartition;
import io.cosbuild.disk.layout.WrittenDisk;
import io.cosbuild.spec.model.Architecture;
import io.cosbuild.spec.model.DiskSpec;
import io.cosbuild.spec.model.VeritySpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Lays out and writes the GPT disk: ESP (empty, or FAT32 with the unified kernel image), ROOT-A/VERITY-A with
 * the root image and its tree (their partition UUIDs spell the root hash), ROOT-B/VERITY-B empty or a copy,
 * OEM, and STATE filling the rest. STATE's filesystem is made for the size the layout gives it. Stateless.
 */
final class DiskStage {

  /** Makes an empty writable filesystem of exactly {@code bytes} at {@code file}. */
  @FunctionalInterface
  interface FilesystemMaker {
    void make(Path file, long bytes) throws IOException;
  }

  private DiskStage() {}

  /** Bytes of each VERITY partition: the profile's, else what the hash tree of a full ROOT needs. */
  static long veritySize(DiskSpec disk, VeritySpec veritySpec) {
    return disk.veritySize().orElse(VerityStage.hashFileSize(disk.rootSize(), veritySpec));
  }

  /** The layout of {@code parts} and an empty STATE of at least {@code disk.stateMinSize()} on a disk of {@code disk.size()}. */
  static DiskLayout planWithEmptyState(io.cosbuild.disk.gpt.Architecture arch, DiskSpec disk, String seed, List<PartitionRequest> parts)
      throws DiskImageException {
    List<PartitionRequest> probe = new ArrayList<>(parts);
    probe.add(PartitionRequest.of(PartitionRole.STATE, disk.stateMinSize(), PartitionContent.empty()));
    return DiskLayout.plan(new DiskLayoutRequest(arch, disk.size(), seed, true, probe));
  }

  /** The partitions before STATE, in the sizes of {@code disk}: slot B holds a copy of slot A when {@code copyB}. */
  static List<PartitionRequest> partitions(DiskSpec disk, long veritySize, Optional<RootHash> rootHash, PartitionContent root,
      PartitionContent hash, boolean copyB, PartitionContent oem) {
    List<PartitionRequest> parts = new ArrayList<>();
    parts.add(PartitionRequest.of(PartitionRole.EFI_SYSTEM, disk.espSize(), PartitionContent.empty()));
    parts.add(new PartitionRequest(PartitionRole.ROOT_A, disk.rootSize(), root, rootHash));
    parts.add(new PartitionRequest(PartitionRole.VERITY_A, veritySize, hash, rootHash));
    parts.add(PartitionRequest.of(PartitionRole.ROOT_B, disk.rootSize(), copyB ? root : PartitionContent.empty()));
    parts.add(PartitionRequest.of(PartitionRole.VERITY_B, veritySize, copyB ? hash : PartitionContent.empty()));
    parts.add(PartitionRequest.of(PartitionRole.OEM, disk.oemSize(), oem));
    return parts;
  }

  /**
   * @param uki the unified kernel image for the ESP, or null to leave the ESP empty
   * @param ukiB slot B's, also for the ESP, or null
   */
  static WrittenDisk write(Architecture arch, DiskSpec disk, VeritySpec veritySpec, String seed, Path rootImage, Path hashFile,
      String rootHashHex, Path oemImage, Path uki, Path ukiB, FilesystemMaker stateMaker, Path workDir, Set<DiskFormat> formats,
      long epoch) throws IOException, DiskImageException, BuildFailure {
    long rootBytes = Files.size(rootImage);
    if (rootBytes > disk.rootSize()) {
      throw new BuildFailure("the root image is " + rootBytes + " bytes, more than disk.root-size (" + disk.rootSize()
          + "): raise disk.root-size in the profile");
    }
    long veritySize = veritySize(disk, veritySpec);
    if (Files.size(hashFile) > veritySize) {
      throw new BuildFailure("the verity tree is " + Files.size(hashFile) + " bytes, more than disk.verity-size (" + veritySize + ")");
    }
    RootHash rootHash = new RootHash(rootHashHex);
    boolean copyB = disk.rootB().equals("copy");
    io.cosbuild.disk.gpt.Architecture diskArch = io.cosbuild.disk.gpt.Architecture.parse(arch.id());

    List<PartitionRequest> parts = partitions(disk, veritySize, Optional.of(rootHash), PartitionContent.ofFile(rootImage),
        PartitionContent.ofFile(hashFile), copyB, PartitionContent.ofFile(oemImage));

    // Plan once with an empty STATE to learn its size, then make its filesystem to fit exactly.
    DiskLayout planned = planWithEmptyState(diskArch, disk, seed, parts);
    PlannedPartition state = planned.partitions().stream().filter(p -> p.role() == PartitionRole.STATE).findFirst().orElseThrow();
    Path stateImage = workDir.resolve("state.ext4");
    stateMaker.make(stateImage, state.sizeBytes());
    parts.add(PartitionRequest.of(PartitionRole.STATE, disk.stateMinSize(), PartitionContent.ofFile(stateImage)));
    Path espImage = workDir.resolve("esp.fat");
    if (uki != null) {
      PlannedPartition esp = planned.partitions().stream().filter(p -> p.role() == PartitionRole.EFI_SYSTEM).findFirst()
          .orElseThrow();
      EspStage.make(espImage, esp.sizeBytes(), esp.firstLba(), uki, ukiB, arch, seed, epoch);
      parts.set(0, PartitionRequest.of(PartitionRole.EFI_SYSTEM, disk.espSize(), PartitionContent.ofFile(espImage)));
    }

    Set<DiskFormat> all = EnumSet.of(DiskFormat.RAW);
    all.addAll(formats);
    try {
      return DiskOutputs.write(new DiskLayoutRequest(diskArch, disk.size(), seed, true, parts), workDir, all, epoch);
    } finally {
      Files.deleteIfExists(stateImage);
      Files.deleteIfExists(espImage);
    }
  }
}

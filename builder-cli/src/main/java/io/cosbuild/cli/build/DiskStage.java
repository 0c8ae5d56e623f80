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
 * Lays out and writes the GPT disk: ESP, ROOT-A/VERITY-A with the root image and its tree (their
 * partition UUIDs spell the root hash), ROOT-B/VERITY-B empty or a copy, OEM, and STATE filling the
 * rest. STATE's filesystem is made for the size the layout gives it. Stateless.
 */
final class DiskStage {

  /** Makes an empty writable filesystem of exactly {@code bytes} at {@code file}. */
  @FunctionalInterface
  interface FilesystemMaker {
    void make(Path file, long bytes) throws IOException;
  }

  private DiskStage() {}

  static WrittenDisk write(Architecture arch, DiskSpec disk, VeritySpec veritySpec, String seed, Path rootImage, Path hashFile,
      String rootHashHex, Path oemImage, FilesystemMaker stateMaker, Path workDir, Set<DiskFormat> formats, long epoch)
      throws IOException, DiskImageException, BuildFailure {
    long rootBytes = Files.size(rootImage);
    if (rootBytes > disk.rootSize()) {
      throw new BuildFailure("the root image is " + rootBytes + " bytes, more than disk.root-size (" + disk.rootSize()
          + "): raise disk.root-size in the profile");
    }
    long veritySize = disk.veritySize().orElse(VerityStage.hashFileSize(disk.rootSize(), veritySpec));
    if (Files.size(hashFile) > veritySize) {
      throw new BuildFailure("the verity tree is " + Files.size(hashFile) + " bytes, more than disk.verity-size (" + veritySize + ")");
    }
    RootHash rootHash = new RootHash(rootHashHex);
    boolean copyB = disk.rootB().equals("copy");
    io.cosbuild.disk.gpt.Architecture diskArch = io.cosbuild.disk.gpt.Architecture.parse(arch.id());

    List<PartitionRequest> parts = new ArrayList<>();
    parts.add(PartitionRequest.of(PartitionRole.EFI_SYSTEM, disk.espSize(), PartitionContent.empty()));
    parts.add(new PartitionRequest(PartitionRole.ROOT_A, disk.rootSize(), PartitionContent.ofFile(rootImage), Optional.of(rootHash)));
    parts.add(new PartitionRequest(PartitionRole.VERITY_A, veritySize, PartitionContent.ofFile(hashFile), Optional.of(rootHash)));
    parts.add(PartitionRequest.of(PartitionRole.ROOT_B, disk.rootSize(), copyB ? PartitionContent.ofFile(rootImage) : PartitionContent.empty()));
    parts.add(PartitionRequest.of(PartitionRole.VERITY_B, veritySize, copyB ? PartitionContent.ofFile(hashFile) : PartitionContent.empty()));
    parts.add(PartitionRequest.of(PartitionRole.OEM, disk.oemSize(), PartitionContent.ofFile(oemImage)));

    // Plan once with an empty STATE to learn its size, then make its filesystem to fit exactly.
    List<PartitionRequest> probe = new ArrayList<>(parts);
    probe.add(PartitionRequest.of(PartitionRole.STATE, disk.stateMinSize(), PartitionContent.empty()));
    DiskLayout planned = DiskLayout.plan(new DiskLayoutRequest(diskArch, disk.size(), seed, true, probe));
    PlannedPartition state = planned.partitions().stream().filter(p -> p.role() == PartitionRole.STATE).findFirst().orElseThrow();
    Path stateImage = workDir.resolve("state.ext4");
    stateMaker.make(stateImage, state.sizeBytes());
    parts.add(PartitionRequest.of(PartitionRole.STATE, disk.stateMinSize(), PartitionContent.ofFile(stateImage)));

    Set<DiskFormat> all = EnumSet.of(DiskFormat.RAW);
    all.addAll(formats);
    try {
      return DiskOutputs.write(new DiskLayoutRequest(diskArch, disk.size(), seed, true, parts), workDir, all, epoch);
    } finally {
      Files.deleteIfExists(stateImage);
    }
  }
}

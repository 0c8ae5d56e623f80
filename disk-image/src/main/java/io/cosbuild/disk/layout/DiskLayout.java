package io.cosbuild.disk.layout;

import io.cosbuild.disk.DiskImageException;
import io.cosbuild.disk.gpt.Architecture;
import io.cosbuild.disk.gpt.GptAttributes;
import io.cosbuild.disk.gpt.GptTable;
import io.cosbuild.disk.gpt.Guids;
import io.cosbuild.disk.gpt.RootHash;
import io.cosbuild.disk.inspect.ManifestPartition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The planned disk: every partition's place, type, GUID and attributes. Immutable.
 *
 * <p>Rules (see docs/disk-layout.md): partitions in number order, each starting on a 1 MiB boundary and sized to
 * a whole number of MiB (rounded up; size 0 means the content's length); the first starts at 1 MiB; STATE, if present, is last and extends to the
 * last 1 MiB boundary before the backup GPT. GUIDs: the disk GUID is {@code Guids.derive(seed, "disk")}, a
 * partition's is {@code Guids.derive(seed, name)}, except ROOT-A and VERITY-A given a root hash (systemd
 * convention: first and last 128 bits of the root hash). Attributes: ROOT-A priority 2, successful, read-only;
 * ROOT-B read-only, no-auto, priority 1 and successful when it holds a copy, priority 0 (not bootable) when empty;
 * VERITY-A read-only; VERITY-B read-only, no-auto.
 *
 * @param arch architecture
 * @param diskSizeBytes disk size
 * @param diskGuid disk GUID
 * @param partitions planned partitions in number (= physical) order
 */
public record DiskLayout(Architecture arch, long diskSizeBytes, UUID diskGuid, List<PlannedPartition> partitions) {
  private static final long ALIGN_SECTORS = Sizes.MIB / 512;

  public DiskLayout {
    partitions = List.copyOf(partitions);
  }

  public static DiskLayout plan(DiskLayoutRequest request) throws DiskImageException {
    long diskBytes = request.diskSizeBytes();
    if (diskBytes <= 0 || diskBytes % 512 != 0) {
      throw new DiskImageException("disk size " + diskBytes + " must be a positive multiple of 512 bytes");
    }
    long sectors = diskBytes / 512;
    long lastUsable = GptTable.lastUsableLba(sectors);
    List<PartitionRequest> reqs = new ArrayList<>(request.partitions());
    reqs.sort(Comparator.comparingInt(r -> r.role().number()));
    boolean rootBHasContent = false;
    for (PartitionRequest r : reqs) {
      if (r.role() == PartitionRole.ROOT_B) {
        rootBHasContent = !(r.content() instanceof PartitionContent.Empty);
      }
    }
    Optional<RootHash> rootHashA = reqs.stream().filter(r -> r.role() == PartitionRole.ROOT_A)
        .map(PartitionRequest::rootHash).flatMap(Optional::stream).findFirst();
    Optional<RootHash> verityHashA = reqs.stream().filter(r -> r.role() == PartitionRole.VERITY_A)
        .map(PartitionRequest::rootHash).flatMap(Optional::stream).findFirst();
    if (rootHashA.isPresent() && verityHashA.isPresent() && !rootHashA.equals(verityHashA)) {
      throw new DiskImageException("ROOT-A and VERITY-A were given different root hashes");
    }

    List<PlannedPartition> out = new ArrayList<>();
    long next = ALIGN_SECTORS;
    for (PartitionRequest r : reqs) {
      PartitionRole role = r.role();
      long contentLength;
      try {
        contentLength = r.content().length();
      } catch (IOException e) {
        throw new DiskImageException(role.label() + ": cannot read the size of its content: " + e.getMessage(), e);
      }
      long wanted = r.sizeBytes() == 0 && role != PartitionRole.STATE ? contentLength : r.sizeBytes();
      if (wanted == 0 && role != PartitionRole.STATE) {
        throw new DiskImageException(role.label() + ": size 0 and no content: give a size, or leave the partition out");
      }
      long sizeBytes = Sizes.alignUp(wanted, Sizes.MIB);
      long first = next;
      long last;
      if (role == PartitionRole.STATE) {
        last = (lastUsable + 1) / ALIGN_SECTORS * ALIGN_SECTORS - 1;
        if (last - first + 1 < Math.max(sizeBytes / 512, 1)) {
          throw new DiskImageException("STATE needs at least " + Sizes.describe(Math.max(sizeBytes, Sizes.MIB))
              + " but the disk of " + Sizes.describe(diskBytes) + " leaves " + Sizes.describe((last - first + 1) * 512)
              + ": make the disk larger or the partitions smaller");
        }
      } else {
        last = first + sizeBytes / 512 - 1;
        if (last > lastUsable) {
          throw new DiskImageException(role.label() + " (" + Sizes.describe(sizeBytes) + ") does not fit on a disk of "
              + Sizes.describe(diskBytes) + ": make the disk larger");
        }
      }
      long partBytes = (last - first + 1) * 512;
      if (contentLength > partBytes) {
        throw new DiskImageException(role.label() + ": content of " + Sizes.describe(contentLength)
            + " is larger than the partition (" + Sizes.describe(partBytes) + "): raise its size");
      }
      UUID guid = Guids.derive(request.guidSeed(), role.label());
      if (role == PartitionRole.ROOT_A && rootHashA.isPresent()) {
        guid = rootHashA.get().dataPartitionUuid();
      } else if (role == PartitionRole.VERITY_A && (verityHashA.isPresent() || rootHashA.isPresent())) {
        guid = verityHashA.or(() -> rootHashA).get().hashPartitionUuid();
      }
      out.add(new PlannedPartition(role, role.type(request.arch(), request.stateAsVar()), guid, first, last,
          attributes(role, rootBHasContent), r.content()));
      next = last + 1;
      if (next % ALIGN_SECTORS != 0) {
        next = (next / ALIGN_SECTORS + 1) * ALIGN_SECTORS;
      }
    }
    return new DiskLayout(request.arch(), diskBytes, Guids.derive(request.guidSeed(), "disk"), out);
  }

  private static GptAttributes attributes(PartitionRole role, boolean rootBHasContent) {
    GptAttributes ro = GptAttributes.NONE.with(GptAttributes.READ_ONLY);
    switch (role) {
      case ROOT_A:
        return ro.withBootSlot(2, 0, true);
      case ROOT_B:
        return rootBHasContent ? ro.with(GptAttributes.NO_AUTO).withBootSlot(1, 0, true)
            : ro.with(GptAttributes.NO_AUTO).withBootSlot(0, 0, false);
      case VERITY_A:
        return ro;
      case VERITY_B:
        return ro.with(GptAttributes.NO_AUTO);
      default:
        return GptAttributes.NONE;
    }
  }

  public GptTable gptTable() {
    return new GptTable(diskSizeBytes / 512, diskGuid, partitions.stream().map(PlannedPartition::toGpt).toList());
  }

  public Optional<PlannedPartition> partition(PartitionRole role) {
    return partitions.stream().filter(p -> p.role() == role).findFirst();
  }

  /** The partition table rows for {@code manifest.json}. */
  public List<ManifestPartition> manifestPartitions() {
    return partitions.stream().map(p -> new ManifestPartition(p.number(), p.name(), p.type().guid(), p.partGuid(),
        p.firstLba(), p.lastLba(), p.attributes().bits(), p.content() instanceof PartitionContent.Empty)).toList();
  }
}

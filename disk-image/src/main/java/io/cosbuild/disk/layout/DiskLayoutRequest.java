package io.cosbuild.disk.layout;

import io.cosbuild.disk.gpt.Architecture;
import java.util.List;
import java.util.Objects;

/**
 * What the caller wants on the disk, in plain values (the lead maps the profile's disk section to this).
 * Immutable.
 *
 * @param arch selects the DPS root and root-verity type GUIDs
 * @param diskSizeBytes total disk size, a multiple of 512
 * @param guidSeed seed for the disk GUID and every partition GUID not set by a root hash (e.g. the profile digest)
 * @param stateAsVar STATE gets the DPS var type instead of Linux generic data
 * @param partitions the partitions, each role at most once, in any order
 */
public record DiskLayoutRequest(Architecture arch, long diskSizeBytes, String guidSeed, boolean stateAsVar,
    List<PartitionRequest> partitions) {
  public DiskLayoutRequest {
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(guidSeed, "guidSeed");
    partitions = List.copyOf(partitions);
    if (partitions.stream().map(PartitionRequest::role).distinct().count() != partitions.size()) {
      throw new IllegalArgumentException("a partition role appears twice in the disk layout request");
    }
  }
}

package io.cosbuild.disk.layout;

import io.cosbuild.disk.gpt.RootHash;
import java.util.Objects;
import java.util.Optional;

/**
 * One partition the caller wants. Immutable.
 *
 * @param role which partition (fixes number, name and type)
 * @param sizeBytes size in bytes, rounded up to 1 MiB; 0 means the content's length; for STATE the minimum size
 *     (STATE takes the rest of the disk)
 * @param content what to write into it
 * @param rootHash for ROOT-A and VERITY-A: the verity root hash whose halves become the partition GUIDs
 *     (systemd convention); empty elsewhere or to derive the GUIDs from the seed
 */
public record PartitionRequest(PartitionRole role, long sizeBytes, PartitionContent content,
    Optional<RootHash> rootHash) {
  public PartitionRequest {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(rootHash, "rootHash");
    if (sizeBytes < 0) {
      throw new IllegalArgumentException(role.label() + ": negative size " + sizeBytes);
    }
    if (rootHash.isPresent() && role != PartitionRole.ROOT_A && role != PartitionRole.VERITY_A) {
      throw new IllegalArgumentException(role.label() + ": a root hash names only ROOT-A and VERITY-A");
    }
  }

  public static PartitionRequest of(PartitionRole role, long sizeBytes, PartitionContent content) {
    return new PartitionRequest(role, sizeBytes, content, Optional.empty());
  }
}

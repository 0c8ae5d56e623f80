package io.cosbuild.disk.layout;

import io.cosbuild.disk.gpt.GptAttributes;
import io.cosbuild.disk.gpt.GptPartition;
import io.cosbuild.disk.gpt.GptPartitionEntry;
import io.cosbuild.disk.gpt.PartitionType;
import java.util.UUID;

/**
 * A partition placed on the disk. Immutable.
 *
 * @param role which partition
 * @param type its type
 * @param partGuid unique partition GUID
 * @param firstLba first sector (1 MiB aligned)
 * @param lastLba last sector, inclusive
 * @param attributes GPT attribute bits
 * @param content what is written into it
 */
public record PlannedPartition(PartitionRole role, PartitionType type, UUID partGuid, long firstLba, long lastLba,
    GptAttributes attributes, PartitionContent content) {

  public int number() {
    return role.number();
  }

  public String name() {
    return role.label();
  }

  public long offsetBytes() {
    return firstLba * 512;
  }

  public long sizeBytes() {
    return (lastLba - firstLba + 1) * 512;
  }

  public GptPartition toGpt() {
    return new GptPartition(number(),
        new GptPartitionEntry(type.guid(), partGuid, firstLba, lastLba, attributes, name()));
  }
}

package io.cosbuild.disk.gpt;

/**
 * A partition entry with its partition number (its 1-based slot in the entry array). Immutable.
 *
 * @param number from 1; at most the table's entry count, which {@link GptBounds} checks
 * @param entry the entry
 */
public record GptPartition(int number, GptPartitionEntry entry) {
  public GptPartition {
    if (number < 1) {
      throw new IllegalArgumentException("partition number " + number + " is below 1");
    }
  }
}

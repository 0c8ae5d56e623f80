package io.cosbuild.disk.gpt;

/**
 * A partition entry with its partition number (its 1-based slot in the entry array). Immutable.
 *
 * @param number 1..128
 * @param entry the entry
 */
public record GptPartition(int number, GptPartitionEntry entry) {
  public GptPartition {
    if (number < 1 || number > GptTable.ENTRY_COUNT) {
      throw new IllegalArgumentException("partition number " + number + " is outside 1..128");
    }
  }
}

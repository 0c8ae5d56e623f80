package io.cosbuild.disk.inspect;

import java.util.List;

/**
 * What {@code cosbuild disk inspect} found. Immutable.
 *
 * @param sizeBytes disk size
 * @param diskGuid disk GUID, or null if no valid GPT header
 * @param gptProblems GPT inconsistencies (CRC, backup disagreement), empty when healthy
 * @param partitions partitions in number order
 */
public record DiskReport(long sizeBytes, String diskGuid, List<String> gptProblems, List<PartitionReport> partitions) {
  public DiskReport {
    gptProblems = List.copyOf(gptProblems);
    partitions = List.copyOf(partitions);
  }
}

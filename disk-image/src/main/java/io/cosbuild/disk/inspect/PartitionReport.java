package io.cosbuild.disk.inspect;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One partition as {@code cosbuild disk inspect} shows it. Immutable.
 *
 * @param number GPT partition number
 * @param name GPT partition name
 * @param typeGuid type GUID
 * @param typeName known type's description, or "unknown"
 * @param partGuid unique partition GUID
 * @param firstLba first sector
 * @param lastLba last sector
 * @param offsetBytes byte offset on the disk (for {@code losetup --offset}), -1 when the partition runs past the
 *     disk's end
 * @param sizeBytes partition size in bytes as its entry declares it, even past the disk's end (-1 beyond 8 EiB)
 * @param attributes attribute field as hex
 * @param flags decoded attribute names
 * @param filesystem what the partition holds
 * @param filesystemBytes size the file system reports, or -1
 * @param compression a squashfs image's compressor and recorded options ({@link FilesystemInfo#compression()}), else null
 * @param verity verity superblock facts, for a verity partition
 * @param rootHashFromUuids for a verity partition paired with its data partition (the one numbered just before it,
 *     with the matching DPS root type) and a SHA-256 hash: the root hash that systemd's UUID convention spells,
 *     data UUID then hash UUID; null otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PartitionReport(int number, String name, String typeGuid, String typeName, String partGuid,
    long firstLba, long lastLba, long offsetBytes, long sizeBytes, String attributes, List<String> flags,
    String filesystem, long filesystemBytes, String compression, VerityFacts verity, String rootHashFromUuids) {
  public PartitionReport {
    flags = List.copyOf(flags);
  }
}

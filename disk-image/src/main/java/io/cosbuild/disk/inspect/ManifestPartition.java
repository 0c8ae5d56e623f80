package io.cosbuild.disk.inspect;

import java.util.UUID;

/**
 * One row of the partition table as {@code manifest.json} records it. Immutable.
 *
 * @param number GPT partition number
 * @param name GPT partition name
 * @param typeGuid type GUID
 * @param partGuid unique partition GUID
 * @param firstLba first sector
 * @param lastLba last sector, inclusive
 * @param attributes the attribute field (A/B priority, tries, successful, read-only...)
 * @param empty whether the build left the partition all zeros (an empty ESP or B slot)
 */
public record ManifestPartition(int number, String name, UUID typeGuid, UUID partGuid, long firstLba, long lastLba,
    long attributes, boolean empty) {
}

package io.cosbuild.rootfs.ext4;

import java.util.UUID;

/**
 * What an ext4 write produced. Immutable and thread-safe.
 *
 * @param sizeBytes bytes of the filesystem (blocks x 4096); the channel holds exactly these
 * @param blocks total 4 KiB blocks
 * @param freeBlocks blocks left free
 * @param inodes inodes provisioned
 * @param freeInodes inodes left free
 * @param uuid the filesystem UUID
 * @param journalBlocks blocks of the journal, 0 without one
 */
public record Ext4Result(long sizeBytes, long blocks, long freeBlocks, long inodes, long freeInodes, UUID uuid,
    int journalBlocks) {

  /** Block groups the filesystem is divided into. */
  public int groups() {
    return Ext4Layout.groupsFor(blocks);
  }
}

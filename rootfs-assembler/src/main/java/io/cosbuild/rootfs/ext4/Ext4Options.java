package io.cosbuild.rootfs.ext4;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * How to make an ext4 filesystem. Immutable and thread-safe.
 *
 * @param sizeBytes the filesystem size (rounded down to 4 KiB blocks), or 0 to compute one from the
 *     tree (see {@link Ext4Writer} for the margin)
 * @param journal whether to make a jbd2 journal (writable filesystems) or not (read-only roots)
 * @param label the volume label, at most 16 bytes of UTF-8
 * @param uuid the filesystem UUID; empty to derive one from the label and the tree's content
 * @param sourceDateEpoch the time stamped on inodes (mtime clamped to it) and the superblock;
 *     empty means 0
 * @param inodeRatio bytes per inode to provision (16384 like mke2fs), or 0 for just the inodes the
 *     tree needs (plus a small margin)
 */
public record Ext4Options(long sizeBytes, boolean journal, String label, Optional<UUID> uuid,
    OptionalLong sourceDateEpoch, int inodeRatio) {

  /** The smallest filesystem written: 2048 blocks, room for the metadata of one group and some data. */
  public static final long MIN_SIZE = 8L << 20;

  public Ext4Options {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(sourceDateEpoch, "sourceDateEpoch");
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("size must not be negative: " + sizeBytes);
    }
    if (label.getBytes(StandardCharsets.UTF_8).length > 16) {
      throw new IllegalArgumentException("ext4 label is at most 16 bytes: " + label);
    }
    if (sourceDateEpoch.isPresent() && (sourceDateEpoch.getAsLong() < 0 || sourceDateEpoch.getAsLong() > 0xffffffffL)) {
      throw new IllegalArgumentException("source date epoch out of range: " + sourceDateEpoch.getAsLong());
    }
    if (inodeRatio != 0 && (inodeRatio < 1024 || inodeRatio > 1 << 26)) {
      throw new IllegalArgumentException("inode ratio must be 0 or 1024..67108864: " + inodeRatio);
    }
  }

  /** A read-only root: no journal, computed size, just enough inodes. */
  public static Ext4Options readOnlyRoot() {
    return new Ext4Options(0, false, "", Optional.empty(), OptionalLong.empty(), 0);
  }

  /** A writable filesystem of a given size (STATE, OEM): journal, one inode per 16 KiB. */
  public static Ext4Options writable(long sizeBytes) {
    return new Ext4Options(sizeBytes, true, "", Optional.empty(), OptionalLong.empty(), 16384);
  }

  public Ext4Options withSize(long bytes) {
    return new Ext4Options(bytes, journal, label, uuid, sourceDateEpoch, inodeRatio);
  }

  public Ext4Options withJournal(boolean on) {
    return new Ext4Options(sizeBytes, on, label, uuid, sourceDateEpoch, inodeRatio);
  }

  public Ext4Options withLabel(String l) {
    return new Ext4Options(sizeBytes, journal, l, uuid, sourceDateEpoch, inodeRatio);
  }

  public Ext4Options withUuid(UUID u) {
    return new Ext4Options(sizeBytes, journal, label, Optional.of(u), sourceDateEpoch, inodeRatio);
  }

  public Ext4Options withSourceDateEpoch(long epoch) {
    return new Ext4Options(sizeBytes, journal, label, uuid, OptionalLong.of(epoch), inodeRatio);
  }

  public Ext4Options withInodeRatio(int ratio) {
    return new Ext4Options(sizeBytes, journal, label, uuid, sourceDateEpoch, ratio);
  }
}

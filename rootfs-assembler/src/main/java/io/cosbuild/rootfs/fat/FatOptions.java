package io.cosbuild.rootfs.fat;

/**
 * How to write a FAT32 filesystem. Immutable and thread-safe.
 *
 * @param volumeId the volume serial number (BS_VolID), e.g. derived from the disk's seed
 * @param label the volume label, 1 to 11 characters of A-Z, 0-9, space, '_' and '-', not starting with a space;
 *     written space-padded to the boot sector and as the root directory's volume-label entry
 * @param mtime seconds since the Unix epoch, stamped on every directory entry as UTC, clamped to FAT's range
 *     (1980-01-01 00:00:00 to 2107-12-31 23:59:58) and rounded down to FAT's 2 seconds
 * @param hiddenSectors the partition's first LBA (BPB_HiddSec), 0 for a filesystem that is a whole image
 */
public record FatOptions(int volumeId, String label, long mtime, long hiddenSectors) {

  /** The label of {@link #of}: what the ESP of the images is called. */
  public static final String DEFAULT_LABEL = "ESP";

  public FatOptions {
    if (label == null || label.isEmpty() || label.length() > 11 || label.startsWith(" ")) {
      throw new IllegalArgumentException("FAT label must be 1 to 11 characters, not starting with a space: \""
          + label + "\"");
    }
    for (int i = 0; i < label.length(); i++) {
      char c = label.charAt(i);
      if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' || c == '_' || c == '-')) {
        throw new IllegalArgumentException("FAT label \"" + label + "\" has '" + c
            + "'; only A-Z, 0-9, space, '_' and '-' are allowed");
      }
    }
    if (hiddenSectors < 0 || hiddenSectors > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("hidden sectors must be 0 to 4294967295: " + hiddenSectors);
    }
  }

  /** Options with the {@link #DEFAULT_LABEL}. */
  public static FatOptions of(int volumeId, long mtime, long hiddenSectors) {
    return new FatOptions(volumeId, DEFAULT_LABEL, mtime, hiddenSectors);
  }

  /** The label padded with spaces to the 11 characters FAT stores. */
  String paddedLabel() {
    return String.format("%-11s", label);
  }
}

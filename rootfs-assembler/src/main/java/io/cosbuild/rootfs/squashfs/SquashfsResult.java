package io.cosbuild.rootfs.squashfs;

/**
 * What writing an image produced. Immutable.
 *
 * @param bytesUsed the filesystem's size as the superblock records it
 * @param imageSize bytes written, padded to 4 KiB as mksquashfs pads
 * @param inodes inode count (hard links counted once)
 * @param contentBytes uncompressed size of all file contents, hard links and duplicates counted once each name group
 * @param fragments fragment blocks written
 * @param duplicateFiles files whose content was already stored
 * @param ids distinct uids and gids
 * @param xattrSets distinct xattr sets stored
 */
public record SquashfsResult(long bytesUsed, long imageSize, long inodes, long contentBytes, int fragments,
    long duplicateFiles, int ids, int xattrSets) {

  /** Uncompressed content divided by image size (higher is better); 0 for an empty tree. */
  public double compressionRatio() {
    return imageSize == 0 ? 0 : (double) contentBytes / imageSize;
  }
}

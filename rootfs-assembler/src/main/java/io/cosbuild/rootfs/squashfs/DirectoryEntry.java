package io.cosbuild.rootfs.squashfs;

import java.nio.charset.StandardCharsets;

/**
 * One name in a directory listing with the inode it names. On disk (after a directory header):
 *
 * <pre>
 * off size field
 *   0  2   offset of the inode in its metadata block
 *   2  2   inode number minus the header's base (signed)
 *   4  2   basic inode type
 *   6  2   name length - 1
 *   8  n   name
 * </pre>
 *
 * Immutable.
 */
public record DirectoryEntry(byte[] name, long inodeReference, long inodeNumber, int basicType) {

  public DirectoryEntry {
    if (name.length < 1 || name.length > 256) {
      throw new IllegalArgumentException("directory entry name length out of range: " + name.length);
    }
    if (basicType < 1 || basicType > 7) {
      throw new IllegalArgumentException("directory entry type must be basic: " + basicType);
    }
    name = name.clone();
  }

  public DirectoryEntry(String name, long inodeReference, long inodeNumber, int basicType) {
    this(name.getBytes(StandardCharsets.UTF_8), inodeReference, inodeNumber, basicType);
  }

  @Override
  public byte[] name() {
    return name.clone();
  }

  int nameLength() {
    return name.length;
  }

  byte[] rawName() {
    return name;
  }
}

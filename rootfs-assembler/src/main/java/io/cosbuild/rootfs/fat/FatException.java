package io.cosbuild.rootfs.fat;

/** A FAT32 filesystem cannot be written from a tree at a size; the message names the path or size and the fix. */
public class FatException extends Exception {
  private static final long serialVersionUID = 1L;

  public FatException(String message) {
    super(message);
  }
}

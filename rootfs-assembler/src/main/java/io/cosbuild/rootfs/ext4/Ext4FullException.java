package io.cosbuild.rootfs.ext4;

/**
 * The tree does not fit the filesystem's given size. Found only while writing (sparse files show their
 * size then), so callers say what to change: a command line option, a profile field, a larger device.
 */
public class Ext4FullException extends Ext4Exception {
  private static final long serialVersionUID = 1L;

  public Ext4FullException(String message) {
    super(message);
  }
}

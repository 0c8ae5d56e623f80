package io.cosbuild.rootfs.efi;

/**
 * An EFI image could not be read or built as asked: the message names the file or section at fault
 * and what to change (another stub, another section name).
 */
public class EfiImageException extends Exception {
  private static final long serialVersionUID = 1L;

  public EfiImageException(String message) {
    super(message);
  }

  public EfiImageException(String message, Throwable cause) {
    super(message, cause);
  }
}

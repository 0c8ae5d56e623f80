package io.cosbuild.rootfs.initramfs;

/**
 * The initramfs could not be built as planned: the message names the file, module or setting at
 * fault and what to change (a missing package, a module the kernel does not ship, a bad ELF file).
 */
public class InitramfsException extends Exception {
  private static final long serialVersionUID = 1L;

  public InitramfsException(String message) {
    super(message);
  }

  public InitramfsException(String message, Throwable cause) {
    super(message, cause);
  }
}

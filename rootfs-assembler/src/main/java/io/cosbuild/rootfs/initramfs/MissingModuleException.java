package io.cosbuild.rootfs.initramfs;

/**
 * A module the initramfs needs is in the kernel package neither as a file nor built in: one of the wanted modules or
 * a dependency of one. Callers that know where a wanted name came from (a profile field) can say so.
 */
public class MissingModuleException extends InitramfsException {
  private static final long serialVersionUID = 1L;

  private final String module;
  private final String neededBy;

  MissingModuleException(String module, String neededBy) {
    super("kernel module " + module + " (" + (neededBy == null ? "wanted" : "needed by " + neededBy)
        + ") is not in the kernel package: check the name (modinfo) or the kernel's config");
    this.module = module;
    this.neededBy = neededBy;
  }

  /** The module's name as modinfo gives it ({@code dm_verity}). */
  public String module() {
    return module;
  }

  /** True when the module was wanted itself, not needed by another. */
  public boolean wanted() {
    return neededBy == null;
  }
}

package io.cosbuild.rootfs.audit;

/** One kind of audit finding; the profile may make any of them an error. */
public enum AuditCheck {
  /** Files with the setuid bit. */
  SETUID,
  /** Files with the setgid bit. */
  SETGID,
  /** Paths anyone may write, except symlinks and sticky directories such as /tmp. */
  WORLD_WRITABLE,
  /** Files that look like secrets: private keys, credential files. */
  SECRETS,
  /** Version-control and build leftovers: .git, .svn, Makefile, object files. */
  VCS_LEFTOVERS,
  /** {@code /bin/sh} (or another shell) can still be executed in the image. */
  SHELL_REACHABLE,
  /** Symlinks or scripts that point at a removed or missing shell or interpreter. */
  SHELL_REFERENCES,
  /** Accounts with a usable password or a login shell. */
  LOGIN_ACCOUNTS,
  /**
   * Packages whose preinst or postinst sets file capabilities, a setuid or setgid mode or a dpkg-statoverride
   * (cosbuild runs no maintainer script), unless the profile's security.permissions names one of their files.
   */
  MAINTAINER_PERMISSIONS
}

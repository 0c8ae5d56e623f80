package io.cosbuild.rootfs.dpkg;

/** How the dpkg database is written. */
public enum StatusForm {
  /** {@code /var/lib/dpkg/status} plus {@code info/<pkg>.list}, {@code .md5sums}, {@code .conffiles}, as dpkg writes it. */
  DPKG,
  /** Distroless: one stanza per package in {@code /var/lib/dpkg/status.d/<pkg>} plus {@code <pkg>.md5sums}. */
  DISTROLESS
}

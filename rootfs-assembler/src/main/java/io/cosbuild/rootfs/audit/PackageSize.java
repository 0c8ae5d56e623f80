package io.cosbuild.rootfs.audit;

/** Bytes and regular files a package contributes to the final tree. Immutable. */
public record PackageSize(String name, String version, long bytes, int files) {}

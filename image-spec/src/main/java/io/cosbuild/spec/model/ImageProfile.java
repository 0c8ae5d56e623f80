package io.cosbuild.spec.model;

import java.util.List;
import java.util.OptionalLong;
import java.util.SortedMap;

/**
 * A fully merged, validated profile. {@code digest} is the SHA-256 of its canonical JSON form, so
 * two profiles that mean the same thing have the same digest whatever files they came from.
 * {@code sources} are the files merged into it, parents first. Immutable.
 */
public record ImageProfile(
    String name,
    String description,
    List<String> sources,
    List<Architecture> architectures,
    OptionalLong sourceDateEpoch,
    List<RepositorySpec> repositories,
    PackageSelection packages,
    KernelSpec kernel,
    String init,
    RootfsSpec rootfs,
    VeritySpec verity,
    MountLayout filesystem,
    SecuritySpec security,
    SystemdSpec systemd,
    SortedMap<String, String> alternatives,
    List<FileSpec> files,
    DiskSpec disk,
    String digest) {

  public ImageProfile {
    sources = List.copyOf(sources);
    architectures = List.copyOf(architectures);
    repositories = List.copyOf(repositories);
    alternatives = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(alternatives));
    files = List.copyOf(files);
  }
}

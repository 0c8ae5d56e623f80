package io.cosbuild.cli.build;

import io.cosbuild.packages.DebianPackages;
import io.cosbuild.packages.PackagesException;
import io.cosbuild.packages.lock.LockCheck;
import io.cosbuild.packages.lock.LockFile;
import io.cosbuild.packages.lock.LockedPackage;
import io.cosbuild.packages.resolve.ResolveRequest;
import io.cosbuild.rootfs.dpkg.DebFile;
import io.cosbuild.rootfs.dpkg.PackageContent;
import io.cosbuild.rootfs.dpkg.PackageException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A locked set of packages and the verified {@code .deb} files behind it: resolve (or take the
 * lock), fetch into the cache (each file checked against its SHA-256), open each package. Stateless.
 */
public final class PackageSet {

  private PackageSet() {}

  /**
   * The locks for {@code requests} (one architecture): the given ones if they were written for the requests, else
   * fresh resolutions against one fetch of the indexes. Whether the given locks' packages satisfy the requests is
   * known only once they are fetched: {@link #requireSatisfies}.
   *
   * @param given one lock per request, or null to resolve
   * @param rewrite the command that writes a current lock, for the stale-lock message
   * @param step told how much of the indexes is fetched and read
   */
  public static List<LockFile> lock(DebianPackages.Source source, List<ResolveRequest> requests, List<LockFile> given,
      Path givenPath, String rewrite, Progress.Step step) throws PackagesException {
    if (given != null) {
      for (int i = 0; i < requests.size(); i++) {
        given.get(i).requireMatches(requests.get(i), givenPath, rewrite);
      }
      return List.copyOf(given);
    }
    List<LockFile> out = new ArrayList<>();
    for (var r : DebianPackages.resolve(source, requests, step::update)) {
      out.add(LockFile.of(r));
    }
    return List.copyOf(out);
  }

  /**
   * Downloads (or finds in the cache) every package of {@code lock} and opens it, in lock order. Each
   * {@code .deb} must be what its lock entry names (package, version, architecture): the SHA-256 proves
   * only the file, and the manifest, SBOM and dpkg database repeat the entry's words.
   */
  public static List<PackageContent> open(DebianPackages.Source source, LockFile lock, Progress.Step step)
      throws PackagesException, PackageException {
    Map<LockedPackage, Path> files = DebianPackages.fetch(source, lock, (p, cached, done, total) -> step.update(done, total));
    List<PackageContent> out = new ArrayList<>();
    for (LockedPackage p : lock.packages()) {
      try {
        out.add(DebFile.read(files.get(p), p.sha256()));
      } catch (PackageException e) {
        // The cache names files by their SHA-256: say which package it is.
        throw new PackageException(p.name() + " " + p.version() + " (" + p.arch() + ", " + p.filename() + "): "
            + e.getMessage(), e);
      }
      LockCheck.requireIdentity(p, out.get(out.size() - 1).control());
    }
    return out;
  }

  /** Fails when the opened packages of {@code lock} do not satisfy {@code request} (see {@link LockCheck}). */
  public static void requireSatisfies(LockFile lock, ResolveRequest request, List<PackageContent> opened, String what)
      throws PackagesException {
    Map<LockedPackage, Map<String, String>> control = new HashMap<>();
    for (int i = 0; i < opened.size(); i++) {
      control.put(lock.packages().get(i), opened.get(i).control());
    }
    LockCheck.requireSatisfies(lock, request, control, what);
  }
}

package io.cosbuild.disk.inspect;

import java.util.List;

/**
 * Outcome of {@link DiskVerifier}: every difference found, each naming what differs. Immutable.
 *
 * @param differences empty when the disk matches
 */
public record VerifyReport(List<String> differences) {
  public VerifyReport {
    differences = List.copyOf(differences);
  }

  public boolean ok() {
    return differences.isEmpty();
  }
}

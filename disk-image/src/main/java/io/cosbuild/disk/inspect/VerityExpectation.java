package io.cosbuild.disk.inspect;

import io.cosbuild.disk.gpt.RootHash;

/**
 * A verity pair the manifest promises. Immutable.
 *
 * @param dataPartition number of the data partition (e.g. 2, ROOT-A)
 * @param hashPartition number of the hash partition (e.g. 3, VERITY-A)
 * @param rootHash the recorded root hash
 * @param uuidsFromRootHash whether the partition GUIDs must follow systemd's root hash convention
 * @param superblock the superblock the manifest records (its UUID is not compared), or null to take the disk's
 * @param hashBytes bytes of the hash partition the superblock and tree take (zeros follow), or 0 when not recorded
 */
public record VerityExpectation(int dataPartition, int hashPartition, RootHash rootHash, boolean uuidsFromRootHash,
    VerityFacts superblock, long hashBytes) {

  /** A pair checked by its root hash alone. */
  public VerityExpectation(int dataPartition, int hashPartition, RootHash rootHash, boolean uuidsFromRootHash) {
    this(dataPartition, hashPartition, rootHash, uuidsFromRootHash, null, 0);
  }
}

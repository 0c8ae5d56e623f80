package io.cosbuild.disk.inspect;

import io.cosbuild.disk.gpt.RootHash;

/**
 * A verity pair the manifest promises. Immutable.
 *
 * @param dataPartition number of the data partition (e.g. 2, ROOT-A)
 * @param hashPartition number of the hash partition (e.g. 3, VERITY-A)
 * @param rootHash the recorded root hash
 * @param uuidsFromRootHash whether the partition GUIDs must follow systemd's root hash convention
 */
public record VerityExpectation(int dataPartition, int hashPartition, RootHash rootHash, boolean uuidsFromRootHash) {
}

package io.cosbuild.disk.inspect;

import io.cosbuild.disk.gpt.RootHash;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * Recomputes a dm-verity hash tree on a disk and compares it with a root hash. Implemented outside this module
 * (with the verity module), so that disk-image needs no hashing core. Implementations must not close the channel.
 */
@FunctionalInterface
public interface VerityChecker {
  /**
   * @param disk the whole disk, open for reading
   * @param dataOffset byte offset of the data partition
   * @param hashOffset byte offset of the hash partition, where the verity superblock is (as {@code veritysetup
   *     --hash-offset} with a superblock); the tree starts one hash block later
   * @param facts the superblock's facts
   * @param expected the root hash the manifest records
   * @return true if the recomputed tree and root hash match
   */
  boolean check(FileChannel disk, long dataOffset, long hashOffset, VerityFacts facts, RootHash expected)
      throws IOException;
}

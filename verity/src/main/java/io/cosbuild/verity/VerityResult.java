package io.cosbuild.verity;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * What {@link VerityTree#format} made: the root hash and where the tree lies. Immutable and thread-safe.
 *
 * @param params the tree's parameters
 * @param layout where its levels lie in the hash file
 * @param rootHash the root digest (copied)
 */
public record VerityResult(VerityParams params, VerityLayout layout, byte[] rootHash) {

  public VerityResult {
    Objects.requireNonNull(params, "params");
    Objects.requireNonNull(layout, "layout");
    rootHash = rootHash.clone();
  }

  @Override
  public byte[] rootHash() {
    return rootHash.clone();
  }

  /** The root hash in lower-case hex, as {@code veritysetup} prints it and the kernel takes it. */
  public String rootHashHex() {
    return HexFormat.of().formatHex(rootHash);
  }

  /** The salt as {@code veritysetup} prints it (hex, or {@code -}). */
  public String saltHex() {
    return params.saltHex();
  }

  /** Hash blocks of the tree, superblock excluded. */
  public long hashBlocks() {
    return layout.hashBlocks();
  }

  /** The kernel's {@code hash_start}: first tree block, in hash blocks from the start of the hash device. */
  public long hashStartBlock() {
    return layout.hashStartBlock();
  }

  /** Bytes of the hash file used, from its start through the tree's end. */
  public long hashDeviceSize() {
    return layout.hashDeviceSize();
  }

  /** The dm table for this tree on the given devices ({@link VerityTable}). */
  public VerityTable table(String dataDevice, String hashDevice) {
    return new VerityTable(this, dataDevice, hashDevice);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VerityResult r && params.equals(r.params) && layout.equals(r.layout)
        && Arrays.equals(rootHash, r.rootHash);
  }

  @Override
  public int hashCode() {
    return Objects.hash(params, layout, Arrays.hashCode(rootHash));
  }

  @Override
  public String toString() {
    return "VerityResult[root " + rootHashHex() + ", " + params + "]";
  }
}

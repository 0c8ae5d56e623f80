package io.cosbuild.disk.inspect;

import io.cosbuild.disk.DiskImageException;
import io.cosbuild.verity.VerityException;
import io.cosbuild.verity.VeritySuperblock;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The facts of a dm-verity superblock found at the start of a hash partition, as the inspection
 * reports them (names and hex instead of the verity module's types). The on-disk format is read by
 * {@link VeritySuperblock}. The root hash is not in the superblock. Immutable and thread-safe.
 *
 * @param version superblock version (1)
 * @param hashType 0 ChromeOS, 1 normal
 * @param uuid superblock UUID
 * @param algorithm hash algorithm, e.g. sha256
 * @param dataBlockSize data block size in bytes
 * @param hashBlockSize hash block size in bytes
 * @param dataBlocks number of data blocks covered
 * @param salt salt as lowercase hex (may be empty)
 */
public record VerityFacts(int version, int hashType, UUID uuid, String algorithm, int dataBlockSize,
    int hashBlockSize, long dataBlocks, String salt) {
  public static final int SIZE = VeritySuperblock.SIZE;

  /** Bytes of data the hash tree covers. */
  public long dataBytes() {
    return dataBlocks * dataBlockSize;
  }

  public static boolean hasSignature(byte[] block) {
    return VeritySuperblock.hasSignature(block);
  }

  public static VerityFacts of(VeritySuperblock sb) {
    return new VerityFacts(1, sb.hashType(), sb.uuid(), sb.algorithm().kernelName(), sb.dataBlockSize(),
        sb.hashBlockSize(), sb.dataBlocks(), HexFormat.of().formatHex(sb.salt()));
  }

  /**
   * Whether {@code block} is byte for byte the superblock a writer makes of its own fields: a change to a
   * byte the fields do not read (padding after the algorithm name or the salt, the reserved tail) is found.
   */
  public static boolean canonical(byte[] block, String where) throws DiskImageException {
    try {
      return java.util.Arrays.equals(VeritySuperblock.parse(block, where).toBytes(), 0, SIZE, block, 0, SIZE);
    } catch (VerityException e) {
      throw new DiskImageException(e.getMessage(), e);
    }
  }

  /** Parses a superblock, refusing a missing signature, an unknown version and out-of-range fields. */
  public static VerityFacts parse(byte[] block, String where) throws DiskImageException {
    try {
      return of(VeritySuperblock.parse(block, where));
    } catch (VerityException e) {
      throw new DiskImageException(e.getMessage(), e);
    }
  }
}

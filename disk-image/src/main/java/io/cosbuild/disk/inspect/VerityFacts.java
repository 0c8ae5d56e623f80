package io.cosbuild.disk.inspect;

import io.cosbuild.disk.DiskImageException;
import io.cosbuild.disk.gpt.Guids;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;

/**
 * The facts of a dm-verity superblock (cryptsetup's on-disk format, version 1), read at the start of a hash
 * partition. The root hash is not in the superblock. Immutable and thread-safe.
 *
 * <table>
 * <caption>Byte layout (little-endian), 512 bytes</caption>
 * <tr><th>offset</th><th>size</th><th>field</th></tr>
 * <tr><td>0</td><td>8</td><td>signature "verity\0\0"</td></tr>
 * <tr><td>8</td><td>4</td><td>version, 1</td></tr>
 * <tr><td>12</td><td>4</td><td>hash type: 0 ChromeOS, 1 normal</td></tr>
 * <tr><td>16</td><td>16</td><td>UUID, in string byte order</td></tr>
 * <tr><td>32</td><td>32</td><td>hash algorithm name, NUL padded ("sha256")</td></tr>
 * <tr><td>64</td><td>4</td><td>data block size</td></tr>
 * <tr><td>68</td><td>4</td><td>hash block size</td></tr>
 * <tr><td>72</td><td>8</td><td>data blocks</td></tr>
 * <tr><td>80</td><td>2</td><td>salt size (at most 256)</td></tr>
 * <tr><td>82</td><td>6</td><td>padding</td></tr>
 * <tr><td>88</td><td>256</td><td>salt</td></tr>
 * <tr><td>344</td><td>168</td><td>padding</td></tr>
 * </table>
 *
 * @param version superblock version
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
  public static final int SIZE = 512;
  private static final byte[] SIGNATURE = "verity\0\0".getBytes(StandardCharsets.US_ASCII);

  public VerityFacts {
    if (!validBlockSize(dataBlockSize) || !validBlockSize(hashBlockSize)) {
      throw new IllegalArgumentException("verity block sizes must be powers of two 512..1 MiB, got "
          + dataBlockSize + "/" + hashBlockSize);
    }
    if (dataBlocks < 0 || dataBlocks > Long.MAX_VALUE / dataBlockSize) {
      throw new IllegalArgumentException("verity data block count " + dataBlocks + " is out of range");
    }
    if (salt.length() > 512 || salt.length() % 2 != 0) {
      throw new IllegalArgumentException("verity salt must be at most 256 bytes of hex");
    }
    salt = salt.toLowerCase(Locale.ROOT);
  }

  private static boolean validBlockSize(int s) {
    return s >= 512 && s <= (1 << 20) && Integer.bitCount(s) == 1;
  }

  /** Bytes of data the hash tree covers. */
  public long dataBytes() {
    return dataBlocks * dataBlockSize;
  }

  public static boolean hasSignature(byte[] block) {
    return block.length >= 8 && Arrays.equals(block, 0, 8, SIGNATURE, 0, 8);
  }

  public byte[] toBytes() {
    byte[] b = new byte[SIZE];
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    System.arraycopy(SIGNATURE, 0, b, 0, 8);
    bb.putInt(8, version).putInt(12, hashType);
    System.arraycopy(Guids.toStringOrderBytes(uuid), 0, b, 16, 16);
    byte[] alg = algorithm.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(alg, 0, b, 32, Math.min(31, alg.length));
    bb.putInt(64, dataBlockSize).putInt(68, hashBlockSize).putLong(72, dataBlocks);
    byte[] s = HexFormat.of().parseHex(salt);
    bb.putShort(80, (short) s.length);
    System.arraycopy(s, 0, b, 88, s.length);
    return b;
  }

  /** Parses a superblock, refusing a missing signature, an unknown version and out-of-range fields. */
  public static VerityFacts parse(byte[] block, String where) throws DiskImageException {
    if (block.length < SIZE || !hasSignature(block)) {
      throw new DiskImageException(where + ": no dm-verity superblock (\"verity\\0\\0\" signature)");
    }
    ByteBuffer bb = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
    int version = bb.getInt(8);
    if (version != 1) {
      throw new DiskImageException(where + ": unsupported verity superblock version " + version);
    }
    int saltSize = Short.toUnsignedInt(bb.getShort(80));
    if (saltSize > 256) {
      throw new DiskImageException(where + ": verity salt size " + saltSize + " exceeds 256");
    }
    int algLen = 0;
    while (algLen < 32 && block[32 + algLen] != 0) {
      algLen++;
    }
    try {
      return new VerityFacts(version, bb.getInt(12), Guids.fromStringOrderBytes(block, 16),
          new String(block, 32, algLen, StandardCharsets.US_ASCII), bb.getInt(64), bb.getInt(68), bb.getLong(72),
          HexFormat.of().formatHex(block, 88, 88 + saltSize));
    } catch (IllegalArgumentException e) {
      throw new DiskImageException(where + ": " + e.getMessage(), e);
    }
  }
}

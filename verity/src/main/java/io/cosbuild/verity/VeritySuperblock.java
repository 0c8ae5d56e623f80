package io.cosbuild.verity;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.UUID;

/**
 * The 512-byte dm-verity superblock that {@code veritysetup} writes at the hash offset. The kernel never
 * reads it: it tells {@code veritysetup} (and {@code cosbuild verity verify}) the tree's parameters.
 * Immutable and thread-safe.
 *
 * <p>Byte layout (integers little-endian):
 * <pre>
 * offset size field
 *      0    8 signature        "verity\0\0"
 *      8    4 version          1
 *     12    4 hash_type        1 normal, 0 Chrome OS
 *     16   16 uuid             big-endian UUID bytes
 *     32   32 algorithm        NUL-padded name, e.g. "sha256"
 *     64    4 data_block_size
 *     68    4 hash_block_size
 *     72    8 data_blocks
 *     80    2 salt_size        0..256
 *     82    6 (zero)
 *     88  256 salt             salt_size bytes, rest zero
 *    344  168 (zero)
 * </pre>
 *
 * @param hashType 1 or 0
 * @param uuid the UUID
 * @param algorithm the hash algorithm
 * @param dataBlockSize bytes per data block
 * @param hashBlockSize bytes per hash block
 * @param dataBlocks data blocks covered
 * @param salt the salt (copied)
 */
public record VeritySuperblock(
    int hashType, UUID uuid, VerityHashAlgorithm algorithm, int dataBlockSize, int hashBlockSize, long dataBlocks,
    byte[] salt) {

  public static final int SIZE = 512;
  private static final byte[] SIGNATURE = {'v', 'e', 'r', 'i', 't', 'y', 0, 0};

  public VeritySuperblock {
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(algorithm, "algorithm");
    salt = salt.clone();
  }

  /** Whether {@code block} starts with the superblock's signature, {@code "verity\0\0"}. */
  public static boolean hasSignature(byte[] block) {
    return block.length >= SIGNATURE.length && Arrays.equals(block, 0, SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length);
  }

  /** The superblock describing {@code p} (which must have a UUID). */
  public static VeritySuperblock of(VerityParams p) {
    return new VeritySuperblock(p.hashType(), Objects.requireNonNull(p.uuid(), "uuid"), p.hashAlgorithm(),
        p.dataBlockSize(), p.hashBlockSize(), p.dataBlocks(), p.salt());
  }

  @Override
  public byte[] salt() {
    return salt.clone();
  }

  /** The 512 on-disk bytes. */
  public byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.put(SIGNATURE).putInt(1).putInt(hashType);
    b.order(ByteOrder.BIG_ENDIAN).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
    b.order(ByteOrder.LITTLE_ENDIAN);
    b.put(32, algorithm.kernelName().getBytes(StandardCharsets.US_ASCII));
    b.putInt(64, dataBlockSize).putInt(68, hashBlockSize).putLong(72, dataBlocks).putShort(80, (short) salt.length);
    b.put(88, salt);
    return b.array();
  }

  /**
   * Reads a superblock.
   *
   * @param bytes at least 512 bytes read at the hash offset
   * @param where names the file and offset for error messages
   * @throws VerityException when the bytes are no verity superblock or hold values the kernel refuses
   */
  public static VeritySuperblock parse(byte[] bytes, String where) throws VerityException {
    if (bytes.length < SIZE) {
      throw new VerityException("no verity superblock at " + where + ": only " + bytes.length + " bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (!hasSignature(bytes)) {
      throw new VerityException("no verity superblock at " + where + " (signature is not 'verity'); "
          + "give the right --hash-offset, or --no-superblock with the tree's parameters");
    }
    int version = b.getInt(8);
    if (version != 1) {
      throw new VerityException("verity superblock at " + where + " has version " + version + "; only 1 exists");
    }
    int hashType = b.getInt(12);
    if (hashType != 0 && hashType != 1) {
      throw new VerityException("verity superblock at " + where + " has hash type " + hashType + "; expected 0 or 1");
    }
    UUID uuid = new UUID(b.order(ByteOrder.BIG_ENDIAN).getLong(16), b.getLong(24));
    b.order(ByteOrder.LITTLE_ENDIAN);
    int nameEnd = 32;
    while (nameEnd < 64 && bytes[nameEnd] != 0) {
      nameEnd++;
    }
    String name = new String(bytes, 32, nameEnd - 32, StandardCharsets.US_ASCII);
    VerityHashAlgorithm algorithm;
    try {
      algorithm = VerityHashAlgorithm.byName(name);
    } catch (IllegalArgumentException e) {
      throw new VerityException("verity superblock at " + where + ": " + e.getMessage(), e);
    }
    int saltSize = Short.toUnsignedInt(b.getShort(80));
    if (saltSize > VerityParams.MAX_SALT) {
      throw new VerityException("verity superblock at " + where + " has a " + saltSize + "-byte salt; at most 256");
    }
    VeritySuperblock sb = new VeritySuperblock(hashType, uuid, algorithm, b.getInt(64), b.getInt(68), b.getLong(72),
        Arrays.copyOfRange(bytes, 88, 88 + saltSize));
    try {
      sb.toParams(0);
    } catch (IllegalArgumentException e) {
      throw new VerityException("verity superblock at " + where + " is invalid: " + e.getMessage(), e);
    }
    return sb;
  }

  /** The parameters this superblock describes, for a superblock found at {@code hashOffset}. */
  public VerityParams toParams(long hashOffset) {
    return new VerityParams(algorithm, dataBlockSize, hashBlockSize, dataBlocks, salt, hashType, hashOffset, true, uuid);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VeritySuperblock s && hashType == s.hashType && uuid.equals(s.uuid) && algorithm == s.algorithm
        && dataBlockSize == s.dataBlockSize && hashBlockSize == s.hashBlockSize && dataBlocks == s.dataBlocks
        && Arrays.equals(salt, s.salt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(hashType, uuid, algorithm, dataBlockSize, hashBlockSize, dataBlocks, Arrays.hashCode(salt));
  }

  @Override
  public String toString() {
    return "VeritySuperblock[" + uuid + ", " + algorithm.kernelName() + ", type " + hashType + ", " + dataBlocks + "x"
        + dataBlockSize + ", hash block " + hashBlockSize + ", salt "
        + (salt.length == 0 ? "-" : HexFormat.of().formatHex(salt)) + "]";
  }
}

package io.cosbuild.verity;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.UUID;

/**
 * Everything that defines a dm-verity hash tree, as {@code veritysetup format} takes it. Immutable and
 * thread-safe (the salt is copied in and out).
 *
 * @param hashAlgorithm digest of every block ({@code --hash})
 * @param dataBlockSize bytes per data block, a power of two in 512..65536 ({@code --data-block-size})
 * @param hashBlockSize bytes per hash block, a power of two in 512..65536 ({@code --hash-block-size})
 * @param dataBlocks number of data blocks covered, at least 1 ({@code --data-blocks})
 * @param salt 0..256 bytes; empty is written as {@code -} ({@code --salt})
 * @param hashType format version: 1 is the normal format (salt first, digests padded to a power of
 *     two), 0 is the Chrome OS one (salt last, digests packed) ({@code --format})
 * @param hashOffset byte offset of the hash area in the hash file, a multiple of 512; with no
 *     superblock also a multiple of the hash block size ({@code --hash-offset})
 * @param superblock whether a 512-byte superblock precedes the tree ({@code --no-superblock} is false)
 * @param uuid the superblock's UUID; may be null only when {@code superblock} is false
 */
public record VerityParams(
    VerityHashAlgorithm hashAlgorithm,
    int dataBlockSize,
    int hashBlockSize,
    long dataBlocks,
    byte[] salt,
    int hashType,
    long hashOffset,
    boolean superblock,
    UUID uuid) {

  /** Largest salt the superblock can hold. */
  public static final int MAX_SALT = 256;
  public static final int MIN_BLOCK_SIZE = 512;
  public static final int MAX_BLOCK_SIZE = 65536;

  public VerityParams {
    Objects.requireNonNull(hashAlgorithm, "hashAlgorithm");
    Objects.requireNonNull(salt, "salt");
    checkBlockSize("data block size", dataBlockSize);
    checkBlockSize("hash block size", hashBlockSize);
    if (dataBlocks < 1) {
      throw new IllegalArgumentException("verity needs at least one data block, got " + dataBlocks);
    }
    if (Math.multiplyHigh(dataBlocks, dataBlockSize) != 0 || dataBlocks * dataBlockSize < 0) {
      throw new IllegalArgumentException("data blocks " + dataBlocks + " x " + dataBlockSize + " bytes overflows a file size");
    }
    if (salt.length > MAX_SALT) {
      throw new IllegalArgumentException("verity salt is " + salt.length + " bytes; at most " + MAX_SALT + " fit the superblock");
    }
    if (hashType != 0 && hashType != 1) {
      throw new IllegalArgumentException("verity format must be 1 (normal) or 0 (Chrome OS), got " + hashType);
    }
    if (hashOffset < 0 || hashOffset % 512 != 0) {
      throw new IllegalArgumentException("verity hash offset " + hashOffset + " must be a non-negative multiple of 512");
    }
    if (!superblock && hashOffset % hashBlockSize != 0) {
      throw new IllegalArgumentException("without a superblock the hash offset " + hashOffset
          + " must be a multiple of the hash block size " + hashBlockSize + " (the kernel counts it in hash blocks)");
    }
    if (superblock && uuid == null) {
      throw new IllegalArgumentException("a verity superblock needs a UUID");
    }
    salt = salt.clone();
  }

  /** Defaults of {@code veritysetup format}: sha256, 4096-byte blocks, format 1, superblock at offset 0. */
  public static VerityParams of(long dataBlocks, byte[] salt, UUID uuid) {
    return new VerityParams(VerityHashAlgorithm.SHA256, 4096, 4096, dataBlocks, salt, 1, 0, true, uuid);
  }

  @Override
  public byte[] salt() {
    return salt.clone();
  }

  /** The salt as {@code veritysetup} prints it: lower-case hex, or {@code -} when empty. */
  public String saltHex() {
    return salt.length == 0 ? "-" : HexFormat.of().formatHex(salt);
  }

  /** Bytes of data the tree covers: {@code dataBlocks * dataBlockSize}. */
  public long dataSize() {
    return dataBlocks * dataBlockSize;
  }

  public VerityParams withHashAlgorithm(VerityHashAlgorithm a) {
    return new VerityParams(a, dataBlockSize, hashBlockSize, dataBlocks, salt, hashType, hashOffset, superblock, uuid);
  }

  public VerityParams withBlockSizes(int dataBlock, int hashBlock) {
    return new VerityParams(hashAlgorithm, dataBlock, hashBlock, dataBlocks, salt, hashType, hashOffset, superblock, uuid);
  }

  public VerityParams withDataBlocks(long blocks) {
    return new VerityParams(hashAlgorithm, dataBlockSize, hashBlockSize, blocks, salt, hashType, hashOffset, superblock, uuid);
  }

  public VerityParams withHashType(int type) {
    return new VerityParams(hashAlgorithm, dataBlockSize, hashBlockSize, dataBlocks, salt, type, hashOffset, superblock, uuid);
  }

  public VerityParams withHashOffset(long offset) {
    return new VerityParams(hashAlgorithm, dataBlockSize, hashBlockSize, dataBlocks, salt, hashType, offset, superblock, uuid);
  }

  public VerityParams withSuperblock(boolean on) {
    return new VerityParams(hashAlgorithm, dataBlockSize, hashBlockSize, dataBlocks, salt, hashType, hashOffset, on, uuid);
  }

  /**
   * A deterministic salt from a caller's seed (a profile digest, or the data's first block): the first
   * {@code length} bytes of SHA-256("cosbuild-verity-salt" || seed). cosbuild never uses a random salt.
   */
  public static byte[] deriveSalt(byte[] seed, int length) {
    if (length < 0 || length > 32) {
      throw new IllegalArgumentException("derived salt length must be 0..32, got " + length);
    }
    return Arrays.copyOf(sha256("cosbuild-verity-salt", seed), length);
  }

  /** A deterministic UUID from a seed: SHA-256("cosbuild-verity-uuid" || seed) shaped as a version 8 UUID. */
  public static UUID deriveUuid(byte[] seed) {
    byte[] h = sha256("cosbuild-verity-uuid", seed);
    h[6] = (byte) ((h[6] & 0x0f) | 0x80);
    h[8] = (byte) ((h[8] & 0x3f) | 0x80);
    ByteBuffer b = ByteBuffer.wrap(h);
    return new UUID(b.getLong(), b.getLong());
  }

  private static byte[] sha256(String label, byte[] seed) {
    MessageDigest md = VerityHashAlgorithm.SHA256.newDigest();
    md.update(label.getBytes(StandardCharsets.US_ASCII));
    md.update(seed);
    return md.digest();
  }

  private static void checkBlockSize(String what, int size) {
    if (size < MIN_BLOCK_SIZE || size > MAX_BLOCK_SIZE || Integer.bitCount(size) != 1) {
      throw new IllegalArgumentException("verity " + what + " " + size + " must be a power of two from 512 to 65536");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VerityParams p && hashAlgorithm == p.hashAlgorithm && dataBlockSize == p.dataBlockSize
        && hashBlockSize == p.hashBlockSize && dataBlocks == p.dataBlocks && Arrays.equals(salt, p.salt)
        && hashType == p.hashType && hashOffset == p.hashOffset && superblock == p.superblock
        && Objects.equals(uuid, p.uuid);
  }

  @Override
  public int hashCode() {
    return Objects.hash(hashAlgorithm, dataBlockSize, hashBlockSize, dataBlocks, Arrays.hashCode(salt), hashType,
        hashOffset, superblock, uuid);
  }

  @Override
  public String toString() {
    return "VerityParams[" + hashAlgorithm.kernelName() + ", data " + dataBlocks + "x" + dataBlockSize + ", hash block "
        + hashBlockSize + ", salt " + saltHex() + ", format " + hashType + ", offset " + hashOffset
        + (superblock ? ", superblock " + uuid : ", no superblock") + "]";
  }
}

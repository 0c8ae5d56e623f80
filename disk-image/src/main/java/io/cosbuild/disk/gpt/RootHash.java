package io.cosbuild.disk.gpt;

import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;

/**
 * A dm-verity root hash and systemd's partition-UUID convention for it: the data partition's UUID is the first
 * 128 bits of the root hash, the hash partition's UUID the last 128 bits, so that {@code roothash=} alone
 * finds both partitions (systemd-gpt-auto-generator, systemd-dissect, systemd-repart).
 * Immutable and thread-safe.
 *
 * @param hex the root hash as lowercase hex, at least 16 bytes
 */
public record RootHash(String hex) {
  public RootHash {
    hex = hex.toLowerCase(Locale.ROOT);
    if (hex.length() < 32 || hex.length() % 2 != 0 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      throw new IllegalArgumentException("root hash must be an even number (at least 32) of hex digits: '"
          + hex + "'");
    }
  }

  public byte[] bytes() {
    return HexFormat.of().parseHex(hex);
  }

  /** UUID of the data (root) partition: the first 128 bits of the root hash. */
  public UUID dataPartitionUuid() {
    return Guids.fromStringOrderBytes(bytes(), 0);
  }

  /** UUID of the verity hash partition: the last 128 bits of the root hash. */
  public UUID hashPartitionUuid() {
    byte[] b = bytes();
    return Guids.fromStringOrderBytes(b, b.length - 16);
  }

  /**
   * The root hash that a pair of partition UUIDs spells when the hash is exactly 32 bytes (SHA-256): the data
   * UUID followed by the hash UUID. For other lengths the UUIDs do not hold the whole hash.
   */
  public static RootHash fromSha256PartitionUuids(UUID data, UUID hash) {
    HexFormat h = HexFormat.of();
    return new RootHash(h.formatHex(Guids.toStringOrderBytes(data)) + h.formatHex(Guids.toStringOrderBytes(hash)));
  }
}

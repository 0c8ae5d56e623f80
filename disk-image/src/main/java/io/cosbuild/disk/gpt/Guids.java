package io.cosbuild.disk.gpt;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * GUID helpers: the on-disk GPT byte order and deterministic derivation.
 *
 * <p>GPT stores a GUID in the "mixed-endian" Microsoft form: the first three fields (4, 2 and 2 bytes)
 * little-endian, the last 8 bytes as they appear in the string. {@link UUID} holds the string order.
 */
public final class Guids {
  private Guids() {}

  /** Writes {@code guid} in GPT on-disk order at {@code offset}. */
  public static void write(UUID guid, byte[] dst, int offset) {
    byte[] be = toStringOrderBytes(guid);
    dst[offset] = be[3];
    dst[offset + 1] = be[2];
    dst[offset + 2] = be[1];
    dst[offset + 3] = be[0];
    dst[offset + 4] = be[5];
    dst[offset + 5] = be[4];
    dst[offset + 6] = be[7];
    dst[offset + 7] = be[6];
    System.arraycopy(be, 8, dst, offset + 8, 8);
  }

  /** Reads a GUID stored in GPT on-disk order at {@code offset}. */
  public static UUID read(byte[] src, int offset) {
    byte[] be = new byte[16];
    be[0] = src[offset + 3];
    be[1] = src[offset + 2];
    be[2] = src[offset + 1];
    be[3] = src[offset];
    be[4] = src[offset + 5];
    be[5] = src[offset + 4];
    be[6] = src[offset + 7];
    be[7] = src[offset + 6];
    System.arraycopy(src, offset + 8, be, 8, 8);
    return fromStringOrderBytes(be, 0);
  }

  /** The UUID whose string form is the hex of these 16 bytes in order (systemd's {@code sd_id128_t} view). */
  public static UUID fromStringOrderBytes(byte[] src, int offset) {
    ByteBuffer b = ByteBuffer.wrap(src, offset, 16).order(ByteOrder.BIG_ENDIAN);
    return new UUID(b.getLong(), b.getLong());
  }

  /** The 16 bytes of the UUID's string form, in order. */
  public static byte[] toStringOrderBytes(UUID guid) {
    return ByteBuffer.allocate(16).putLong(guid.getMostSignificantBits())
        .putLong(guid.getLeastSignificantBits()).array();
  }

  /**
   * A name-based UUID derived with SHA-256 (RFC 9562 UUIDv8, as in its SHA-256 example):
   * the first 16 bytes of {@code SHA-256(UTF-8(seed) || 0x00 || UTF-8(name))} with the version nibble set to 8
   * and the variant bits to {@code 10}. The same seed and name give the same GUID on every machine.
   */
  public static UUID derive(String seed, String name) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
    sha.update(seed.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0);
    byte[] h = sha.digest(name.getBytes(StandardCharsets.UTF_8));
    h[6] = (byte) ((h[6] & 0x0f) | 0x80);
    h[8] = (byte) ((h[8] & 0x3f) | 0x80);
    return fromStringOrderBytes(h, 0);
  }
}

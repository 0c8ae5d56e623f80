package io.cosbuild.rootfs.ext4;

import java.util.zip.CRC32C;

/**
 * The crc32c checksums of ext4's metadata_csum feature. The kernel keeps the raw CRC register
 * (seed {@code ~0}, no final inversion) and chains it: every seed used on disk is the register after
 * the filesystem UUID, so each checksum here is {@code ~CRC32C(uuid || prefix || data)} with
 * {@link CRC32C}'s standard pre- and post-inversion undone. Immutable and thread-safe.
 */
final class Ext4Checksum {

  private final byte[] uuid;

  Ext4Checksum(byte[] uuid) {
    this.uuid = uuid.clone();
  }

  /** A fresh CRC register that has already consumed the UUID (the kernel's s_csum_seed). */
  CRC32C seeded() {
    CRC32C c = new CRC32C();
    c.update(uuid, 0, uuid.length);
    return c;
  }

  /** A register seeded for one inode: UUID, then inode number and generation (i_csum_seed). */
  CRC32C inodeSeeded(long ino, int generation) {
    CRC32C c = seeded();
    updateLe32(c, (int) ino);
    updateLe32(c, generation);
    return c;
  }

  static int raw(CRC32C c) {
    return (int) ~c.getValue();
  }

  /** The raw register over data alone, seeded with {@code ~0} (the superblock's checksum). */
  static int plain(byte[] data, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(data, off, len);
    return raw(c);
  }

  static void updateLe32(CRC32C c, int v) {
    c.update(v & 0xff);
    c.update((v >>> 8) & 0xff);
    c.update((v >>> 16) & 0xff);
    c.update((v >>> 24) & 0xff);
  }

  static void updateLe64(CRC32C c, long v) {
    updateLe32(c, (int) v);
    updateLe32(c, (int) (v >>> 32));
  }
}

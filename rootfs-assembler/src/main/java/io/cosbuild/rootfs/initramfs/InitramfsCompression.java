package io.cosbuild.rootfs.initramfs;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * How the initramfs cpio is compressed. The Debian cloud kernels decompress gzip and zstd
 * ({@code CONFIG_RD_GZIP}, {@code CONFIG_RD_ZSTD}). Both outputs are deterministic: the gzip
 * header carries no time or name, zstd runs single-threaded at a fixed level.
 */
public enum InitramfsCompression {
  NONE, GZIP, ZSTD;

  /** {@code none}, {@code gzip} or {@code zstd}, as a profile spells it. */
  public static InitramfsCompression of(String name) {
    return switch (name) {
      case "none" -> NONE;
      case "gzip" -> GZIP;
      case "zstd" -> ZSTD;
      default -> throw new IllegalArgumentException("initramfs compression must be none, gzip or zstd, not " + name);
    };
  }

  /** Wraps {@code out}; closing the result finishes the stream and closes {@code out}. */
  @SuppressWarnings("resource")
  public OutputStream wrap(OutputStream out) throws IOException {
    return switch (this) {
      case NONE -> out;
      case GZIP -> new GZIPOutputStream(out, 1 << 16);
      case ZSTD -> new ZstdOutputStream(out, 15).setChecksum(true);
    };
  }
}

package io.cosbuild.rootfs.squashfs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.Deflater;

/**
 * zlib-wrapped deflate (what squashfs calls gzip) via {@link Deflater}. Options (level, window
 * size 15, default strategy) are written only for a non-default level. Not thread-safe.
 */
final class GzipCompressor implements Compressor {

  private final int level;
  private final Deflater deflater;
  private byte[] scratch = new byte[0];

  GzipCompressor(int level) {
    this.level = level;
    this.deflater = new Deflater(level, false);
  }

  @Override
  public byte[] compress(byte[] src, int off, int len) {
    if (scratch.length < len) {
      scratch = new byte[len];
    }
    deflater.reset();
    deflater.setInput(src, off, len);
    deflater.finish();
    int n = 0;
    while (!deflater.finished()) {
      if (n == len) {
        return null;
      }
      n += deflater.deflate(scratch, n, len - n);
    }
    return n >= len ? null : java.util.Arrays.copyOf(scratch, n);
  }

  @Override
  public byte[] options() {
    if (level == Compression.GZIP.defaultLevel()) {
      return null;
    }
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(level).putShort((short) 15).putShort((short) 0).array();
  }
}

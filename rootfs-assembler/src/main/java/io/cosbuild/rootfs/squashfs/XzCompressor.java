package io.cosbuild.rootfs.squashfs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.tukaani.xz.ArrayCache;
import org.tukaani.xz.BasicArrayCache;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZ;
import org.tukaani.xz.XZOutputStream;

/**
 * xz streams (LZMA2, CRC32 check) with the dictionary equal to the block size, which is the
 * format's default, so no options block is written. Not thread-safe.
 */
final class XzCompressor implements Compressor {

  private final LZMA2Options options;
  private final ArrayCache cache = new BasicArrayCache();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  XzCompressor(int level, int blockSize) {
    try {
      options = new LZMA2Options(level);
      options.setDictSize(Math.max(blockSize, 8192));
    } catch (org.tukaani.xz.UnsupportedOptionsException e) {
      throw new IllegalArgumentException("xz level " + level + ": " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] compress(byte[] src, int off, int len) throws IOException {
    out.reset();
    try (XZOutputStream xz = new XZOutputStream(out, options, XZ.CHECK_CRC32, cache)) {
      xz.write(src, off, len);
    }
    return out.size() >= len ? null : out.toByteArray();
  }

  @Override
  public byte[] options() {
    return null;
  }
}

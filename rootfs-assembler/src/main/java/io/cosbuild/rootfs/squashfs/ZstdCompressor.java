package io.cosbuild.rootfs.squashfs;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Zstandard frames via zstd-jni; options (the level) only for a non-default level. Not thread-safe. */
final class ZstdCompressor implements Compressor {

  private final int level;
  private final ZstdCompressCtx ctx;
  private byte[] scratch = new byte[0];

  ZstdCompressor(int level) {
    this.level = level;
    this.ctx = new ZstdCompressCtx();
    ctx.setLevel(level);
    ctx.setChecksum(false);
    ctx.setContentSize(true);
  }

  @Override
  public byte[] compress(byte[] src, int off, int len) {
    int bound = (int) Zstd.compressBound(len);
    if (scratch.length < bound) {
      scratch = new byte[bound];
    }
    int n = ctx.compressByteArray(scratch, 0, scratch.length, src, off, len);
    return n >= len ? null : java.util.Arrays.copyOf(scratch, n);
  }

  @Override
  public byte[] options() {
    if (level == Compression.ZSTD.defaultLevel()) {
      return null;
    }
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(level).array();
  }
}

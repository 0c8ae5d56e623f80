package io.cosbuild.rootfs.squashfs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;

/**
 * LZ4 block format via lz4-java: level 0 is the fast compressor, 1-17 LZ4 HC. LZ4 images always
 * carry options (version 1 "legacy", flag 1 for HC): the kernel refuses them otherwise. Not
 * thread-safe.
 */
final class Lz4Compressor implements Compressor {

  private final boolean hc;
  private final LZ4Compressor lz4;
  private byte[] scratch = new byte[0];

  Lz4Compressor(int level) {
    LZ4Factory f = LZ4Factory.fastestInstance();
    this.hc = level > 0;
    this.lz4 = hc ? f.highCompressor(level) : f.fastCompressor();
  }

  @Override
  public byte[] compress(byte[] src, int off, int len) {
    int bound = lz4.maxCompressedLength(len);
    if (scratch.length < bound) {
      scratch = new byte[bound];
    }
    int n = lz4.compress(src, off, len, scratch, 0, bound);
    return n >= len ? null : java.util.Arrays.copyOf(scratch, n);
  }

  @Override
  public byte[] options() {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(1).putInt(hc ? 1 : 0).array();
  }
}

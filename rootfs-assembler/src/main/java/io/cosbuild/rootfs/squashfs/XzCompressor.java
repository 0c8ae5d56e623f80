package io.cosbuild.rootfs.squashfs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.tukaani.xz.ArrayCache;
import org.tukaani.xz.BasicArrayCache;
import org.tukaani.xz.FilterOptions;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.UnsupportedOptionsException;
import org.tukaani.xz.XZ;
import org.tukaani.xz.XZOutputStream;

/**
 * xz streams (LZMA2, CRC32 check) with the dictionary equal to the block size, the format's default. With
 * {@linkplain XzFilter BCJ filters} a data block is compressed once plainly and once through each filter and
 * the smallest stream kept (the earliest of equals), and the options block records the filters, as
 * mksquashfs {@code -Xbcj} does; metadata is always compressed plainly. Without filters no options block is
 * written. Not thread-safe.
 */
final class XzCompressor implements Compressor {

  /** LZMA2's dictionary: the block size, but at least a metadata block (8 KiB), which the same streams hold. */
  private final int dictionary;
  /** The options block's filter bits, one per filter; 0 without filters. */
  private final int filterFlags;
  /** The plain chain first, then one per filter in {@link XzFilter} order. */
  private final List<FilterOptions[]> chains = new ArrayList<>();
  private final ArrayCache cache = new BasicArrayCache();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream best = new ByteArrayOutputStream();

  XzCompressor(int level, int blockSize, Set<XzFilter> filters) {
    this.dictionary = Math.max(blockSize, 8192);
    int flags = 0;
    try {
      chains.add(new FilterOptions[] {lzma2(level, dictionary)});
      for (XzFilter f : XzFilter.values()) {
        if (filters.contains(f)) {
          LZMA2Options o = lzma2(level, dictionary);
          f.tune(o);
          chains.add(new FilterOptions[] {f.options(), o});
          flags |= f.flag();
        }
      }
    } catch (UnsupportedOptionsException e) {
      throw new IllegalArgumentException("xz level " + level + ": " + e.getMessage(), e);
    }
    this.filterFlags = flags;
  }

  private static LZMA2Options lzma2(int level, int dictionary) throws UnsupportedOptionsException {
    LZMA2Options o = new LZMA2Options(level);
    o.setDictSize(dictionary);
    return o;
  }

  @Override
  public byte[] compress(byte[] src, int off, int len) throws IOException {
    if (chains.size() == 1) {
      return compressMetadata(src, off, len);
    }
    best.reset();
    for (FilterOptions[] chain : chains) {
      encode(chain, src, off, len);
      if (best.size() == 0 || out.size() < best.size()) {
        best.reset();
        out.writeTo(best);
      }
    }
    return best.size() >= len ? null : best.toByteArray();
  }

  @Override
  public byte[] compressMetadata(byte[] src, int off, int len) throws IOException {
    encode(chains.get(0), src, off, len);
    return out.size() >= len ? null : out.toByteArray();
  }

  private void encode(FilterOptions[] chain, byte[] src, int off, int len) throws IOException {
    out.reset();
    try (XZOutputStream xz = new XZOutputStream(out, chain, XZ.CHECK_CRC32, cache)) {
      xz.write(src, off, len);
    }
  }

  /**
   * mksquashfs's xz options: dictionary size and filter flags, written only when there are filters. The kernel
   * allocates the dictionary these options name (without them, the block size and at least 8 KiB): it must be the
   * one the streams declare, or with 4 KiB blocks no block would decode.
   */
  @Override
  public byte[] options() {
    if (filterFlags == 0) {
      return null;
    }
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(dictionary).putInt(filterFlags).array();
  }
}

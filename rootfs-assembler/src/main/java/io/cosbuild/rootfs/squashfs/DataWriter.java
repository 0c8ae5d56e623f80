package io.cosbuild.rootfs.squashfs;

import io.cosbuild.rootfs.tree.Blob;
import io.cosbuild.rootfs.tree.HostHoles;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes file contents as squashfs data blocks and fragment blocks. Blocks are compressed by a
 * pool of threads while the caller reads ahead; at most a fixed window of blocks is in flight and
 * results are written strictly in submission order, so the bytes do not depend on thread timing.
 * Identical contents (same size and SHA-256) are stored once; a content is hashed only when another of
 * its size has been seen, as most sizes occur once and most blobs read from a directory are hashed
 * on demand (see {@link Blob#unhashed}). Not thread-safe: one caller thread;
 * the channel is the caller's to close.
 */
final class DataWriter implements AutoCloseable {

  static final long NO_FRAGMENT = 0xffffffffL;
  static final int UNCOMPRESSED_BIT = 1 << 24;

  /** Where one content lives; complete once {@link #finish} returned. */
  static final class FileLayout {
    final long size;
    long start = -1;
    final int[] blockSizes;
    long fragmentIndex = NO_FRAGMENT;
    int fragmentOffset;
    long sparse;

    FileLayout(long size, int blocks) {
      this.size = size;
      this.blockSizes = new int[blocks];
    }

    long start() {
      return Math.max(0, start);
    }
  }

  /**
   * The contents of one size seen so far: the first one, and once a second arrived, all of them by
   * digest.
   */
  private static final class SameSize {
    final Blob first;
    final FileLayout firstLayout;
    Map<String, FileLayout> byDigest;

    SameSize(Blob first, FileLayout firstLayout) {
      this.first = first;
      this.firstLayout = firstLayout;
    }

    /** The layout of content equal to {@code blob}'s, or null after recording {@code layout} for it. */
    FileLayout findOrAdd(Blob blob, FileLayout layout) {
      if (byDigest == null) {
        byDigest = new HashMap<>();
        byDigest.put(first.sha256(), firstLayout);
      }
      return byDigest.putIfAbsent(blob.sha256(), layout);
    }
  }

  private record Block(byte[] data, int length, boolean compressed, boolean sparse) {}

  /** A block of a hole in the source file: nothing to read or compress. */
  private static final Future<Block> SPARSE = CompletableFuture.completedFuture(new Block(null, 0, false, true));

  /**
   * An item to write in order: a data block of a file, or a fragment block; {@code raw} is its
   * uncompressed buffer, reused once the block is written (null for a hole's block).
   */
  private record Pending(Future<Block> block, byte[] raw, FileLayout layout, int index, int fragment, int rawLength) {}

  private final SeekableByteChannel out;
  private final int blockSize;
  private final boolean alwaysFragments;
  private final ExecutorService pool;
  private final ThreadLocal<Compressor> compressors;
  private final int window;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private final Map<Long, SameSize> bySize = new HashMap<>();
  /**
   * Block buffers whose blocks are written: a fresh 128 KiB array per block cost a zeroing and a
   * slow-path allocation each, on the thread that feeds the compressors.
   */
  private final ArrayDeque<byte[]> free = new ArrayDeque<>();
  private final FragmentTable fragments = new FragmentTable();
  private final byte[] zeros;
  private byte[] fragment;
  private int fragmentUsed;
  private int fragmentCount;
  private long position;
  private long duplicates;

  DataWriter(SeekableByteChannel out, long position, SquashfsOptions options) {
    this.out = out;
    this.position = position;
    this.blockSize = options.blockSize();
    this.alwaysFragments = options.alwaysFragments();
    this.zeros = new byte[blockSize];
    this.fragment = new byte[blockSize];
    int threads = options.threads();
    this.window = threads * 4;
    this.pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "squashfs-compress");
      t.setDaemon(true);
      return t;
    });
    this.compressors = ThreadLocal.withInitial(
        () -> Compressor.create(options.compression(), options.level(), options.blockSize(), options.xzFilters()));
  }

  long position() {
    return position;
  }

  FragmentTable fragments() {
    return fragments;
  }

  long duplicates() {
    return duplicates;
  }

  /** Queues the content of {@code blob}, or returns the layout of identical content queued before. */
  FileLayout add(Blob blob, String path) throws IOException, SquashfsException {
    long size = blob.size();
    long full = size / blockSize;
    int tail = (int) (size % blockSize);
    boolean tailInFragment = tail > 0 && (full == 0 || alwaysFragments);
    long blocks = full + (tail > 0 && !tailInFragment ? 1 : 0);
    if (blocks > Integer.MAX_VALUE / 4) {
      throw new SquashfsException(path + ": file of " + size + " bytes is too large for one squashfs inode");
    }
    FileLayout layout = new FileLayout(size, (int) blocks);
    SameSize same = bySize.get(size);
    if (same == null) {
      bySize.put(size, new SameSize(blob, layout));
    } else {
      FileLayout known;
      try {
        known = same.findOrAdd(blob, layout);
      } catch (java.io.UncheckedIOException e) {
        throw e.getCause(); // as when the content is read below: a vanished file stays NoSuchFileException
      }
      if (known != null) {
        duplicates++;
        return known;
      }
    }
    if (size == 0) {
      return layout;
    }
    HostHoles holes = HostHoles.of(blob.location(), size);
    try (FileChannel in = blob.openChannel()) {
      long pos = 0;
      for (int i = 0; i < blocks; i++) {
        int len = (int) Math.min(blockSize, size - pos);
        if (holes.isHole(pos, len)) {
          enqueue(new Pending(SPARSE, null, layout, i, -1, len)); // zeros, known without reading them
        } else {
          byte[] buf = buffer();
          readFully(in, buf, 0, len, pos, path, blob);
          submit(buf, len, layout, i);
        }
        pos += len;
      }
      if (tailInFragment) {
        if (fragmentUsed + tail > blockSize) {
          flushFragment();
        }
        readFully(in, fragment, fragmentUsed, tail, pos, path, blob);
        layout.fragmentIndex = fragmentCount;
        layout.fragmentOffset = fragmentUsed;
        fragmentUsed += tail;
      }
      if (in.read(ByteBuffer.allocate(1), size) > 0) {
        throw new SquashfsException(path + ": " + blob.changed("longer"));
      }
    }
    return layout;
  }

  /** Reads {@code len} bytes of the file from {@code pos} into {@code buf} at {@code off}. */
  private void readFully(FileChannel in, byte[] buf, int off, int len, long pos, String path, Blob blob)
      throws IOException, SquashfsException {
    ByteBuffer b = ByteBuffer.wrap(buf, off, len);
    while (b.hasRemaining()) {
      if (in.read(b, pos + b.position() - off) < 0) {
        throw new SquashfsException(path + ": " + blob.changed("shorter"));
      }
    }
  }

  private void submit(byte[] buf, int len, FileLayout layout, int index) throws IOException {
    Future<Block> f = pool.submit(() -> {
      if (Arrays.mismatch(buf, 0, len, zeros, 0, len) == -1) {
        return new Block(null, 0, false, true);
      }
      return compress(buf, len);
    });
    enqueue(new Pending(f, buf, layout, index, -1, len));
  }

  private byte[] buffer() {
    byte[] b = free.poll();
    return b != null ? b : new byte[blockSize];
  }

  private Block compress(byte[] buf, int len) throws IOException {
    byte[] c = compressors.get().compress(buf, 0, len);
    return c == null ? new Block(buf, len, false, false) : new Block(c, c.length, true, false);
  }

  private void flushFragment() throws IOException {
    if (fragmentUsed == 0) {
      return;
    }
    byte[] buf = fragment;
    int len = fragmentUsed;
    Future<Block> f = pool.submit(() -> compress(buf, len));
    enqueue(new Pending(f, buf, null, -1, fragmentCount, len));
    fragmentCount++;
    fragment = buffer();
    fragmentUsed = 0;
  }

  private void enqueue(Pending p) throws IOException {
    pending.add(p);
    while (pending.size() > window) {
      writeNext();
    }
  }

  private void writeNext() throws IOException {
    Pending p = pending.poll();
    Block b;
    try {
      b = p.block().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while compressing squashfs blocks");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof IOException io ? io : new IOException("compressing a squashfs block failed: " + c, c);
    }
    long at = position;
    if (!b.sparse()) {
      ByteBuffer bb = ByteBuffer.wrap(b.data(), 0, b.length());
      while (bb.hasRemaining()) {
        out.write(bb);
      }
      position += b.length();
    }
    int stored = b.sparse() ? 0 : b.length() | (b.compressed() ? 0 : UNCOMPRESSED_BIT);
    if (p.layout() != null) {
      if (p.index() == 0) {
        p.layout().start = at;
      }
      p.layout().blockSizes[p.index()] = stored;
      if (b.sparse()) {
        p.layout().sparse += p.rawLength();
      }
    } else {
      fragments.set(p.fragment(), new FragmentEntry(at, stored));
    }
    if (p.raw() != null) {
      free.push(p.raw());
    }
  }

  /** Writes the last fragment block and everything still in flight. */
  void finish() throws IOException {
    flushFragment();
    while (!pending.isEmpty()) {
      writeNext();
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}

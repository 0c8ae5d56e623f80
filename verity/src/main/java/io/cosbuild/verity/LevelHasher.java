package io.cosbuild.verity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The hashing core: turns one level's input blocks (data blocks for level 0, hash blocks above) into the
 * next level's hash blocks, on several threads.
 *
 * <p>The input is cut into chunks of whole output hash blocks, so each thread writes a disjoint,
 * block-aligned region; threads take chunks from a shared counter, which keeps them busy to the end
 * and reads the input roughly in order. A chunk is read window by window with positional reads into a
 * per-thread direct buffer: measured no dearer in CPU than memory-mapping and steadier in wall time, as
 * mapping pays page faults and, on unmapping, TLB shoot-downs across the hashing threads (and leaving
 * mappings to the GC would exhaust the process's mapping limit on large images). Each thread keeps one
 * {@link MessageDigest} and one output array for the whole level: no allocation per block. Digests go
 * straight into the output array ({@link MessageDigest#digest(byte[], int, int)}), which is written with
 * one positional write per chunk, or, when verifying, compared with what the hash file holds.
 *
 * <p>Not thread-safe itself: one instance runs one level at a time.
 */
final class LevelHasher {

  /** Input bytes per chunk a thread takes at once, when hash blocks are small enough. */
  private static final long CHUNK_BYTES = 8L << 20;
  /**
   * Input bytes read at once: small enough that the block just read is still in the L2 cache
   * when the digest reads it, large enough that system calls do not count.
   */
  private static final int WINDOW_BYTES = Integer.getInteger("cosbuild.verity.windowKiB", 1024) << 10;

  private final VerityParams params;
  private final VerityLayout layout;
  private final int threads;

  LevelHasher(VerityLayout layout, int threads) {
    this.params = layout.params();
    this.layout = layout;
    this.threads = threads;
  }

  /**
   * Hashes {@code blocks} input blocks of {@code blockSize} bytes at {@code srcOffset} into hash blocks at
   * {@code dstOffset}.
   *
   * @param compare when true, nothing is written: the hash blocks are compared with {@code dst}
   * @param progress told the input bytes hashed after each chunk
   * @return -1, or in compare mode the lowest byte offset in {@code dst} that differs
   */
  long run(FileChannel src, long srcOffset, int blockSize, long blocks, FileChannel dst, long dstOffset, boolean compare,
      VerityProgress progress) throws IOException {
    int hpb = layout.hashesPerBlock();
    long outBlocks = (blocks - 1) / hpb + 1;
    long perChunk = Math.max(1, CHUNK_BYTES / ((long) hpb * blockSize));
    // Small levels: cut finer so that every thread gets work.
    perChunk = Math.max(1, Math.min(perChunk, (outBlocks + 4L * threads - 1) / (4L * threads)));
    long chunks = (outBlocks + perChunk - 1) / perChunk;
    int n = (int) Math.min(threads, chunks);
    Level level = new Level(src, srcOffset, blockSize, blocks, dst, dstOffset, compare, (int) perChunk, chunks, progress);
    if (n <= 1) {
      level.new Worker().run();
    } else {
      List<Thread> started = new ArrayList<>();
      for (int i = 1; i < n; i++) {
        Thread t = new Thread(level.new Worker(), "verity-hash-" + i);
        t.setDaemon(true);
        t.start();
        started.add(t);
      }
      level.new Worker().run();
      for (Thread t : started) {
        try {
          t.join();
        } catch (InterruptedException e) {
          level.failure.compareAndSet(null, e);
          level.next.set(Long.MAX_VALUE / 2);
          Thread.currentThread().interrupt();
        }
      }
    }
    Throwable failure = level.failure.get();
    if (failure instanceof UncheckedIOException u) {
      throw u.getCause();
    } else if (failure instanceof IOException io) {
      throw io;
    } else if (failure instanceof RuntimeException r) {
      throw r;
    } else if (failure instanceof Error e) {
      throw e;
    } else if (failure != null) {
      throw new IOException("verity hashing was interrupted", failure);
    }
    return level.mismatch.get() == Long.MAX_VALUE ? -1 : level.mismatch.get();
  }

  /** One level's shared state. */
  private final class Level {
    final FileChannel src;
    final long srcOffset;
    final int blockSize;
    final long blocks;
    final FileChannel dst;
    final long dstOffset;
    final boolean compare;
    final int outPerChunk;
    final long chunks;
    final VerityProgress progress;
    final AtomicLong hashedBytes = new AtomicLong();
    final AtomicLong next = new AtomicLong();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    final AtomicLong mismatch = new AtomicLong(Long.MAX_VALUE);

    Level(FileChannel src, long srcOffset, int blockSize, long blocks, FileChannel dst, long dstOffset, boolean compare,
        int outPerChunk, long chunks, VerityProgress progress) {
      this.src = src;
      this.srcOffset = srcOffset;
      this.blockSize = blockSize;
      this.blocks = blocks;
      this.dst = dst;
      this.dstOffset = dstOffset;
      this.compare = compare;
      this.outPerChunk = outPerChunk;
      this.chunks = chunks;
      this.progress = progress;
    }

    /** One thread's share: its own digest, output and read buffers, reused for every chunk. */
    final class Worker implements Runnable {
      private final MessageDigest md = params.hashAlgorithm().newDigest();
      private final byte[] salt = params.salt();
      private final boolean saltFirst = params.hashType() == 1;
      private final int digestLength = params.hashAlgorithm().digestLength();
      private final int hashBlockSize = params.hashBlockSize();
      private final int hpb = layout.hashesPerBlock();
      private final int slot = layout.slotSize();
      private final byte[] out = new byte[outPerChunk * hashBlockSize];
      private final int window = Math.max(blockSize, WINDOW_BYTES / blockSize * blockSize);
      private ByteBuffer readBuffer;
      private ByteBuffer expected;

      @Override
      public void run() {
        try {
          long c;
          while ((c = next.getAndIncrement()) < chunks && failure.get() == null && mismatch.get() == Long.MAX_VALUE) {
            chunk(c);
          }
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
          next.set(Long.MAX_VALUE / 2);
        }
      }

      private void chunk(long c) throws IOException, DigestException {
        long firstIn = c * outPerChunk * hpb;
        long nIn = Math.min((long) outPerChunk * hpb, blocks - firstIn);
        int nOut = (int) ((nIn - 1) / hpb + 1);
        int outBytes = nOut * hashBlockSize;
        Arrays.fill(out, 0, outBytes, (byte) 0);
        long done = 0;
        while (done < nIn) {
          int inWindow = (int) Math.min(window / blockSize, nIn - done);
          long pos = srcOffset + (firstIn + done) * blockSize;
          int len = inWindow * blockSize;
          if (readBuffer == null) {
            readBuffer = ByteBuffer.allocateDirect(window);
          }
          readBuffer.clear().limit(len);
          readFully(src, readBuffer, pos, "input");
          hashBlocks(readBuffer, inWindow, (int) done);
          done += inWindow;
        }
        long at = dstOffset + c * outPerChunk * (long) hashBlockSize;
        if (compare) {
          compareWith(at, outBytes);
        } else {
          ByteBuffer w = ByteBuffer.wrap(out, 0, outBytes);
          while (w.hasRemaining()) {
            dst.write(w, at + w.position());
          }
        }
        if (progress != VerityProgress.NONE) {
          progress.update(hashedBytes.addAndGet(nIn * blockSize), blocks * blockSize);
        }
      }

      private void hashBlocks(ByteBuffer in, int count, int firstIndex) throws DigestException {
        for (int i = 0; i < count; i++) {
          int off = i * blockSize;
          in.limit(off + blockSize).position(off);
          if (saltFirst && salt.length > 0) {
            md.update(salt);
          }
          md.update(in);
          if (!saltFirst && salt.length > 0) {
            md.update(salt);
          }
          int index = firstIndex + i;
          md.digest(out, index / hpb * hashBlockSize + index % hpb * slot, digestLength);
        }
      }

      private void compareWith(long at, int outBytes) throws IOException {
        if (expected == null) {
          expected = ByteBuffer.allocate(out.length);
        }
        expected.clear().limit(outBytes);
        int got = readUpTo(dst, expected, at);
        int diff = Arrays.mismatch(out, 0, outBytes, expected.array(), 0, outBytes);
        if (got < outBytes && (diff < 0 || diff > got)) {
          diff = got;
        }
        if (diff >= 0) {
          mismatch.accumulateAndGet(at + diff, Math::min);
        }
      }
    }
  }

  static void readFully(FileChannel ch, ByteBuffer buf, long pos, String what) throws IOException {
    int want = buf.remaining();
    if (readUpTo(ch, buf, pos) < want) {
      throw new IOException("the " + what + " file ends before byte " + (pos + want) + "; it is " + ch.size() + " bytes");
    }
  }

  /** Reads until {@code buf} is full or the file ends; returns the bytes read. */
  static int readUpTo(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    int start = buf.position();
    while (buf.hasRemaining()) {
      int r = ch.read(buf, pos + buf.position() - start);
      if (r < 0) {
        break;
      }
    }
    return buf.position() - start;
  }
}

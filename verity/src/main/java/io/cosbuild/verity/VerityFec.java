package io.cosbuild.verity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * dm-verity forward error correction, as {@code veritysetup --fec-device} writes it and the kernel's
 * {@code use_fec_from_device} reads it: Reed-Solomon RS(255, 255 - roots) parity over the data blocks
 * followed by the hash area (from the first tree block to the end of the hash file, or to the FEC offset
 * when the parity lives in the hash file). Stateless and thread-safe; the caller owns the channels.
 *
 * <p>Layout: with {@code n} covered blocks of {@code B} bytes and {@code rsn = 255 - roots}, there are
 * {@code rounds = ceil(n / rsn)} rounds. Code word {@code (round, b)} takes byte {@code b} of the blocks
 * {@code round + i * rounds}, {@code i = 0..rsn-1} (blocks past the end read as zeros), and its
 * {@code roots} parity bytes are stored at {@code fecOffset + (round * B + b) * roots}. The FEC area is
 * {@code rounds * roots} blocks. Data and hash block sizes must be equal.
 */
public final class VerityFec {

  /**
   * What was written.
   *
   * @param roots parity bytes per code word
   * @param coveredBlocks data plus hash-area blocks protected (the kernel table's {@code fec_blocks})
   * @param fecBlocks blocks of the parity area ({@code veritysetup}'s "FEC blocks")
   * @param fecOffset byte offset of the parity area in its file
   * @param blockSize bytes per block
   * @param inHashFile whether the parity lives in the hash file
   */
  public record Result(int roots, long coveredBlocks, long fecBlocks, long fecOffset, int blockSize,
      boolean inHashFile) {
    /** Bytes of the FEC area. */
    public long fecSize() {
      return fecBlocks * blockSize;
    }
  }

  private VerityFec() {}

  /** FEC area blocks for {@code coveredBlocks} blocks and {@code roots} parity bytes. */
  public static long fecBlocks(long coveredBlocks, int roots) {
    int rsn = ReedSolomon.NN - roots;
    return (coveredBlocks + rsn - 1) / rsn * roots;
  }

  /** Refuses options no FEC area can be made with: roots, block sizes, offset alignment. */
  public static void checkOptions(VerityParams p, long fecOffset, int roots) throws VerityException {
    if (roots < 2 || roots > 24) {
      throw new VerityException("FEC roots must be 2..24 (veritysetup --fec-roots), got " + roots);
    }
    if (p.dataBlockSize() != p.hashBlockSize()) {
      throw new VerityException("FEC needs equal data and hash block sizes, got " + p.dataBlockSize() + " and "
          + p.hashBlockSize());
    }
    if (fecOffset < 0 || fecOffset % 512 != 0) {
      throw new VerityException("FEC offset " + fecOffset + " must be a non-negative multiple of 512");
    }
  }

  /** {@link #encode(FileChannel, FileChannel, VerityLayout, long, FileChannel, long, int, int, VerityProgress)} quietly. */
  public static Result encode(FileChannel data, FileChannel hash, VerityLayout layout, long hashAreaEnd,
      FileChannel fec, long fecOffset, int roots, int threads) throws IOException, VerityException {
    return encode(data, hash, layout, hashAreaEnd, fec, fecOffset, roots, threads, VerityProgress.NONE);
  }

  /**
   * Writes the parity of a formatted tree.
   *
   * @param layout the tree's layout (data and hash block sizes must be equal)
   * @param hashAreaEnd where the covered hash area ends in {@code hash}, in bytes: the hash file's size, or
   *     the FEC offset when the parity goes into the hash file itself
   * @param fec where the parity goes, at {@code fecOffset}
   * @param progress told the covered bytes encoded so far
   */
  public static Result encode(FileChannel data, FileChannel hash, VerityLayout layout, long hashAreaEnd,
      FileChannel fec, long fecOffset, int roots, int threads, VerityProgress progress)
      throws IOException, VerityException {
    VerityParams p = layout.params();
    checkOptions(p, fecOffset, roots);
    int bs = p.dataBlockSize();
    ReedSolomon rs = new ReedSolomon(roots);
    long hashStart = layout.hashStartBlock();
    long hashBlocks = Math.max(0, hashAreaEnd / bs - hashStart);
    if (hashBlocks < layout.hashBlocks()) {
      throw new VerityException("the hash area ends at byte " + hashAreaEnd + ", before the tree's end at byte "
          + layout.hashDeviceSize() + "; put the FEC area after the tree");
    }
    long covered = p.dataBlocks() + hashBlocks;
    int rsn = ReedSolomon.NN - roots;
    long rounds = (covered + rsn - 1) / rsn;
    AtomicLong next = new AtomicLong();
    AtomicLong encoded = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Runnable worker = () -> {
      try {
        byte[][] rows = new byte[rsn][bs];
        byte[] parity = new byte[bs * roots];
        byte[][] regs = new byte[roots][bs];
        ByteBuffer[] views = new ByteBuffer[rsn];
        for (int i = 0; i < rsn; i++) {
          views[i] = ByteBuffer.wrap(rows[i]);
        }
        long round;
        while ((round = next.getAndIncrement()) < rounds && failure.get() == null) {
          for (int i = 0; i < rsn; i++) {
            long block = round + i * rounds;
            views[i].clear();
            if (block < p.dataBlocks()) {
              LevelHasher.readFully(data, views[i], block * bs, "data");
            } else if (block - p.dataBlocks() < hashBlocks) {
              LevelHasher.readFully(hash, views[i], (hashStart + block - p.dataBlocks()) * bs, "hash");
            } else {
              Arrays.fill(rows[i], (byte) 0);
            }
          }
          rs.encodeColumns(rows, bs, parity, regs);
          ByteBuffer out = ByteBuffer.wrap(parity);
          long at = fecOffset + round * bs * roots;
          while (out.hasRemaining()) {
            fec.write(out, at + out.position());
          }
          // Round r takes blocks r, r + rounds, ...: each round is rsn blocks of the covered area (or padding).
          progress.update(Math.min(covered, encoded.incrementAndGet() * rsn) * bs, covered * bs);
        }
      } catch (IOException e) {
        failure.compareAndSet(null, new UncheckedIOException(e));
      } catch (RuntimeException | Error e) {
        failure.compareAndSet(null, e);
      }
    };
    List<Thread> started = new ArrayList<>();
    for (int t = 1; t < Math.min(threads, rounds); t++) {
      Thread th = new Thread(worker, "verity-fec-" + t);
      th.setDaemon(true);
      th.start();
      started.add(th);
    }
    worker.run();
    for (Thread th : started) {
      try {
        th.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("FEC encoding was interrupted", e);
      }
    }
    Throwable f = failure.get();
    if (f instanceof UncheckedIOException u) {
      throw u.getCause();
    } else if (f instanceof RuntimeException r) {
      throw r;
    } else if (f instanceof Error e) {
      throw e;
    }
    return new Result(roots, covered, rounds * roots, fecOffset, bs, fec == hash);
  }
}

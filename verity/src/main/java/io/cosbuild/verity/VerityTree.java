package io.cosbuild.verity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Builds and checks dm-verity hash trees exactly as the kernel and {@code veritysetup} define them
 * (see {@link VerityLayout} for the layout, {@link VeritySuperblock} for the superblock).
 *
 * <p>Data is streamed from its channel window by window on {@code threads} threads (level 0 split
 * among them, then each upper level); nothing proportional to the data size is held in memory.
 * Stateless and thread-safe; the caller opens and closes the channels. The data channel needs read
 * access, the hash channel read and write for {@code format}, read for {@code verify}. The two may be
 * the same channel when the hash area lies after the data ({@code hashOffset >= dataSize}).
 */
public final class VerityTree {

  private VerityTree() {}

  /** Threads used when none are given: one per available processor. */
  public static int defaultThreads() {
    return Runtime.getRuntime().availableProcessors();
  }

  /** {@link #format(FileChannel, FileChannel, VerityParams, int)} on {@link #defaultThreads()} threads. */
  public static VerityResult format(FileChannel data, FileChannel hash, VerityParams params)
      throws IOException, VerityException {
    return format(data, hash, params, defaultThreads());
  }

  /**
   * Writes the superblock (unless {@code params.superblock()} is false) and the hash tree of
   * {@code params.dataBlocks()} blocks of {@code data} into {@code hash} at {@code params.hashOffset()}.
   * Bytes of {@code hash} before the hash offset are left as they are.
   *
   * @throws VerityException when the data is shorter than the parameters say, or the hash area overlaps it
   */
  public static VerityResult format(FileChannel data, FileChannel hash, VerityParams params, int threads)
      throws IOException, VerityException {
    return format(data, hash, params, threads, VerityProgress.NONE);
  }

  /**
   * {@link #format(FileChannel, FileChannel, VerityParams, int)}, telling {@code progress} how many bytes of the
   * data are hashed (the levels above are a fraction of a percent of the work).
   */
  public static VerityResult format(FileChannel data, FileChannel hash, VerityParams params, int threads,
      VerityProgress progress) throws IOException, VerityException {
    VerityLayout layout = VerityLayout.of(params);
    checkInput(data, hash, params);
    if (params.superblock()) {
      // The superblock's 512 bytes only: veritysetup leaves the rest of its hash block as it was (zeros
      // in a new file; on a device or inside an existing file, whatever was there, which FEC covers).
      ByteBuffer head = ByteBuffer.wrap(VeritySuperblock.of(params).toBytes());
      while (head.hasRemaining()) {
        hash.write(head, params.hashOffset() + head.position());
      }
    }
    if (hash.size() < layout.hashDeviceSize()) {
      // A file ends where the hash area ends, even without tree blocks (a single data block).
      hash.write(ByteBuffer.allocate(1), layout.hashDeviceSize() - 1);
    }
    LevelHasher hasher = new LevelHasher(layout, Math.max(1, threads));
    for (int i = 0; i < layout.levels(); i++) {
      hashLevel(hasher, layout, i, data, hash, false, progress);
    }
    return new VerityResult(params, layout, root(layout, data, hash));
  }

  /**
   * Recomputes the tree of {@code data} and checks it against {@code hash} and {@code expectedRoot}: every
   * stored hash block (with its zero padding) must equal the computed one, and the root must match.
   * With {@code params.superblock()} true the superblock at the hash offset must also describe
   * {@code params}; use {@link #readSuperblock} first to take the parameters from it.
   *
   * @throws VerityException when the input cannot be checked at all (data too short, bad superblock)
   */
  public static VerityVerification verify(FileChannel data, FileChannel hash, VerityParams params, byte[] expectedRoot,
      int threads) throws IOException, VerityException {
    return verify(data, hash, params, expectedRoot, threads, VerityProgress.NONE);
  }

  /** {@link #verify(FileChannel, FileChannel, VerityParams, byte[], int)}, telling {@code progress} as format does. */
  public static VerityVerification verify(FileChannel data, FileChannel hash, VerityParams params, byte[] expectedRoot,
      int threads, VerityProgress progress) throws IOException, VerityException {
    VerityLayout layout = VerityLayout.of(params);
    int digest = params.hashAlgorithm().digestLength();
    if (expectedRoot.length != digest) {
      // Said before hashing anything: no tree can match, and "mismatch" would read as changed data.
      throw new VerityException("the root hash given is " + expectedRoot.length + " bytes; a "
          + params.hashAlgorithm().kernelName() + " root hash is " + digest + " bytes (" + 2 * digest + " hex digits)");
    }
    checkInput(data, hash, params);
    if (params.superblock()) {
      VeritySuperblock sb = readSuperblock(hash, params.hashOffset());
      if (!sb.toParams(params.hashOffset()).equals(params)) {
        return new VerityVerification(false, "the superblock at hash offset " + params.hashOffset()
            + " describes other parameters: " + sb, params.hashOffset());
      }
    }
    LevelHasher hasher = new LevelHasher(layout, Math.max(1, threads));
    for (int i = 0; i < layout.levels(); i++) {
      long bad = hashLevel(hasher, layout, i, data, hash, true, progress);
      if (bad >= 0) {
        return new VerityVerification(false, mismatch(layout, i, bad), bad);
      }
    }
    byte[] root = root(layout, data, hash);
    if (!MessageDigest.isEqual(root, expectedRoot)) {
      return new VerityVerification(false, "root hash mismatch: the tree gives " + HexFormat.of().formatHex(root)
          + ", expected " + HexFormat.of().formatHex(expectedRoot), -1);
    }
    return new VerityVerification(true, "root hash " + HexFormat.of().formatHex(root) + " verified over "
        + params.dataBlocks() + " data blocks", -1);
  }

  /**
   * What a stored digest of {@code level} that differs at hash file byte {@code bad} covers: on level 0 a data
   * block, named by its byte position as veritysetup names it; above, a hash block of the level below; past the
   * last digest, the zero padding of a hash block.
   */
  static String mismatch(VerityLayout layout, int level, long bad) {
    VerityParams p = layout.params();
    long inLevel = bad - layout.levelStart(level) * p.hashBlockSize();
    long index = inLevel / p.hashBlockSize() * layout.hashesPerBlock() + inLevel % p.hashBlockSize() / layout.slotSize();
    long covered = level == 0 ? p.dataBlocks() : layout.levelBlocks(level - 1);
    String where = " (hash file byte " + bad + ", level " + level + " of " + layout.levels() + ")";
    if (inLevel % p.hashBlockSize() >= (long) layout.hashesPerBlock() * layout.slotSize() || index >= covered) {
      return "verification failed: the zero padding of a hash block is not zero" + where + ": the hash tree was changed";
    }
    if (level == 0) {
      long at = index * p.dataBlockSize();
      return "verification failed at data position " + at + ": data block " + index + " (bytes " + at + " to "
          + (at + p.dataBlockSize() - 1) + ") does not match its digest in the tree" + where
          + ": the data or the hash tree was changed";
    }
    return "verification failed: hash block " + index + " of level " + (level - 1) + " does not match its digest"
        + where + ": the hash tree was changed";
  }

  /**
   * Reads the superblock at {@code hashOffset}.
   *
   * @throws VerityException when there is none or it is invalid
   */
  public static VeritySuperblock readSuperblock(FileChannel hash, long hashOffset) throws IOException, VerityException {
    ByteBuffer b = ByteBuffer.allocate(VeritySuperblock.SIZE);
    int got = LevelHasher.readUpTo(hash, b, hashOffset);
    return VeritySuperblock.parse(Arrays.copyOf(b.array(), got), "hash offset " + hashOffset);
  }

  private static long hashLevel(LevelHasher hasher, VerityLayout layout, int level, FileChannel data,
      FileChannel hash, boolean compare, VerityProgress progress) throws IOException {
    VerityParams p = layout.params();
    long dst = layout.levelStart(level) * p.hashBlockSize();
    if (level == 0) {
      return hasher.run(data, 0, p.dataBlockSize(), p.dataBlocks(), hash, dst, compare, progress);
    }
    return hasher.run(hash, layout.levelStart(level - 1) * p.hashBlockSize(), p.hashBlockSize(),
        layout.levelBlocks(level - 1), hash, dst, compare, VerityProgress.NONE);
  }

  /** The root: the digest of the top hash block, or of the only data block when there are no levels. */
  private static byte[] root(VerityLayout layout, FileChannel data, FileChannel hash) throws IOException {
    VerityParams p = layout.params();
    boolean noLevels = layout.levels() == 0;
    ByteBuffer block = ByteBuffer.allocate(noLevels ? p.dataBlockSize() : p.hashBlockSize());
    if (noLevels) {
      LevelHasher.readFully(data, block, 0, "data");
    } else {
      LevelHasher.readFully(hash, block, layout.levelStart(layout.levels() - 1) * p.hashBlockSize(), "hash");
    }
    MessageDigest md = p.hashAlgorithm().newDigest();
    if (p.hashType() == 1) {
      md.update(p.salt());
    }
    md.update(block.array());
    if (p.hashType() == 0) {
      md.update(p.salt());
    }
    return md.digest();
  }

  private static void checkInput(FileChannel data, FileChannel hash, VerityParams params)
      throws IOException, VerityException {
    long size = data.size();
    if (size < params.dataSize()) {
      throw new VerityException("the data is " + size + " bytes, shorter than the " + params.dataBlocks() + " blocks of "
          + params.dataBlockSize() + " bytes to hash; give fewer data blocks or the right file");
    }
    if (data == hash && params.hashOffset() < params.dataSize()) {
      // A file that already holds a tree after its data (a rerun) is covered whole unless told otherwise.
      long before = params.hashOffset() / params.dataBlockSize();
      throw new VerityException("the hash area at offset " + params.hashOffset() + " overlaps the data ("
          + params.dataSize() + " bytes); put --hash-offset at or after the data's end"
          + (before > 0 && params.hashOffset() % params.dataBlockSize() == 0
              ? ", or give --data-blocks " + before + " to hash only the data before it" : ""));
    }
  }
}

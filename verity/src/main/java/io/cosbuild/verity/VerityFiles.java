package io.cosbuild.verity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.UUID;

/**
 * {@link VerityTree} on files given by path: opening, same-file handling, atomic replacement, and the
 * deterministic default salt and UUID. Data, hash and FEC may also be block devices, as with
 * veritysetup: a device is written in place (never replaced) and flushed before the call returns.
 * Stateless and thread-safe.
 */
public final class VerityFiles {

  private VerityFiles() {}

  /** Whole data blocks in {@code data} (a trailing partial block is not covered, as with veritysetup). */
  public static long dataBlocks(Path data, int dataBlockSize) throws IOException, VerityException {
    requireFileOrDevice(data, "data");
    long size;
    try (FileChannel ch = FileChannel.open(data, StandardOpenOption.READ)) {
      size = ch.size(); // a block device's size too, which Files.size gives as 0
    }
    if (size < dataBlockSize) {
      throw new VerityException(data + " is " + size + " bytes, less than one " + dataBlockSize + "-byte data block");
    }
    return size / dataBlockSize;
  }

  /**
   * The seed for the default salt and UUID when the caller gives none: SHA-256 over the data's size in
   * blocks, the block sizes, the algorithm name and the first data block. Same data and options, same
   * seed; any change to the first block (a filesystem superblock) changes it. Builds should pass a
   * seed from the profile digest instead ({@link VerityParams#deriveSalt}, {@link VerityParams#deriveUuid}).
   */
  public static byte[] defaultSeed(Path data, long dataBlocks, int dataBlockSize, int hashBlockSize,
      VerityHashAlgorithm algorithm) throws IOException {
    requireFileOrDevice(data, "data");
    MessageDigest md = VerityHashAlgorithm.SHA256.newDigest();
    md.update(ByteBuffer.allocate(16).putLong(dataBlocks).putInt(dataBlockSize).putInt(hashBlockSize).flip());
    md.update(algorithm.kernelName().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    try (FileChannel ch = FileChannel.open(data, StandardOpenOption.READ)) {
      ByteBuffer first = ByteBuffer.allocate(dataBlockSize);
      LevelHasher.readUpTo(ch, first, 0);
      md.update(first.flip());
    }
    return md.digest();
  }

  /** The default salt: 32 bytes ({@code veritysetup}'s default length) derived from {@code seed}. */
  public static byte[] defaultSalt(byte[] seed) {
    return VerityParams.deriveSalt(seed, 32);
  }

  /** The default superblock UUID, derived from {@code seed}. */
  public static UUID defaultUuid(byte[] seed) {
    return VerityParams.deriveUuid(seed);
  }

  /**
   * Formats {@code data} into {@code hash}. When the hash file is a separate file and the hash offset is
   * 0, the tree is written to a temporary file beside it and renamed over it when complete. Otherwise
   * (the same file as the data, or a hash area at an offset inside an existing file) it is written in
   * place and bytes before the hash offset are kept.
   */
  public static VerityResult format(Path data, Path hash, VerityParams params, int threads)
      throws IOException, VerityException {
    return format(data, hash, params, threads, VerityProgress.NONE);
  }

  /** {@link #format(Path, Path, VerityParams, int)}, telling {@code progress} how much of the data is hashed. */
  public static VerityResult format(Path data, Path hash, VerityParams params, int threads, VerityProgress progress)
      throws IOException, VerityException {
    requireFileOrDevice(data, "data");
    boolean same = Files.exists(hash) && Files.isSameFile(data, hash);
    if (same) {
      try (FileChannel ch = FileChannel.open(data, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        checkDeviceSize(hash, ch, VerityLayout.of(params).hashDeviceSize(), "hash tree");
        VerityResult r = VerityTree.format(ch, ch, params, threads, progress);
        flushDevice(hash, ch);
        return r;
      }
    }
    if ((params.hashOffset() != 0 && Files.exists(hash)) || isBlockDevice(hash)) {
      requireInPlace(hash, "hash tree");
      try (FileChannel d = FileChannel.open(data, StandardOpenOption.READ);
          FileChannel h = FileChannel.open(hash, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        checkDeviceSize(hash, h, VerityLayout.of(params).hashDeviceSize(), "hash tree");
        VerityResult r = VerityTree.format(d, h, params, threads, progress);
        flushDevice(hash, h);
        return r;
      }
    }
    Path target = replaceable(hash, "hash tree");
    TempFilesBeside.removeAbandoned(target);
    Path tmp = TempFilesBeside.create(target, "hash tree");
    try {
      try (FileChannel d = FileChannel.open(data, StandardOpenOption.READ);
          FileChannel h = FileChannel.open(tmp, StandardOpenOption.READ, StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        TempFilesBeside.markInUse(h);
        VerityResult r = VerityTree.format(d, h, params, threads, progress);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return r;
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Refuses FEC options that {@link #formatFec} would refuse, before anything is written: call it before
   * {@link #format}. The parity may go into a file of its own, the hash file after the tree, or the data
   * file after the data (and after the tree when that is there too), as veritysetup allows.
   */
  public static void checkFec(Path data, Path hash, VerityParams params, Path fec, long fecOffset, int roots)
      throws IOException, VerityException {
    VerityFec.checkOptions(params, fecOffset, roots);
    if ((fecOffset != 0 && Files.exists(fec)) || isBlockDevice(fec) || sameFile(fec, data) || sameFile(fec, hash)) {
      if (Files.exists(fec)) {
        requireInPlace(fec, "FEC area");
      }
    } else {
      replaceable(fec, "FEC area");
    }
    long dataEnd = params.dataBlocks() * params.dataBlockSize();
    if (sameFile(fec, data) && fecOffset < dataEnd) {
      throw new VerityException("the FEC area at byte " + fecOffset + " of " + fec + " overlaps the data, which ends at byte "
          + dataEnd + "; give a --fec-offset of at least " + dataEnd);
    }
    long treeEnd = VerityLayout.of(params).hashDeviceSize();
    if (sameFile(fec, hash) && fecOffset < treeEnd) {
      throw new VerityException("the FEC area at byte " + fecOffset + " of " + fec + " overlaps the hash tree, which ends at byte "
          + treeEnd + "; give a --fec-offset of at least " + treeEnd);
    }
  }

  /**
   * Writes forward error correction for a tree just made by {@link #format}: Reed-Solomon parity with
   * {@code roots} bytes per code word into {@code fec} at {@code fecOffset} ({@link VerityFec}). A
   * separate FEC file at offset 0 is written to a temporary file and renamed; otherwise in place. When
   * {@code fec} is the hash file, the covered hash area ends at {@code fecOffset}.
   */
  public static VerityFec.Result formatFec(Path data, Path hash, VerityResult tree, Path fec, long fecOffset,
      int roots, int threads) throws IOException, VerityException {
    return formatFec(data, hash, tree, fec, fecOffset, roots, threads, VerityProgress.NONE);
  }

  /** {@link #formatFec(Path, Path, VerityResult, Path, long, int, int)}, telling {@code progress} how far it is. */
  public static VerityFec.Result formatFec(Path data, Path hash, VerityResult tree, Path fec, long fecOffset,
      int roots, int threads, VerityProgress progress) throws IOException, VerityException {
    checkFec(data, hash, tree.params(), fec, fecOffset, roots);
    boolean sameAsHash = sameFile(hash, fec);
    VerityLayout layout = tree.layout();
    try (FileChannel d = FileChannel.open(data, StandardOpenOption.READ);
        FileChannel h = FileChannel.open(hash, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long hashEnd = sameAsHash ? fecOffset : h.size();
      if (sameAsHash) {
        if (h.size() < fecOffset) {
          // The gap between the tree and the parity is covered too: make it (zero) file content.
          h.write(ByteBuffer.allocate(1), fecOffset - 1);
        }
        VerityFec.Result r = VerityFec.encode(d, h, layout, hashEnd, h, fecOffset, roots, threads, progress);
        flushDevice(fec, h);
        return r;
      }
      if ((fecOffset != 0 && Files.exists(fec)) || isBlockDevice(fec) || sameFile(data, fec)) {
        try (FileChannel f = FileChannel.open(fec, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
          VerityFec.Result r = VerityFec.encode(d, h, layout, hashEnd, f, fecOffset, roots, threads, progress);
          flushDevice(fec, f);
          return r;
        }
      }
      Path target = replaceable(fec, "FEC area");
      TempFilesBeside.removeAbandoned(target);
      Path tmp = TempFilesBeside.create(target, "FEC area");
      try {
        try (FileChannel f = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
          TempFilesBeside.markInUse(f);
          VerityFec.Result r = VerityFec.encode(d, h, layout, hashEnd, f, fecOffset, roots, threads, progress);
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
          return r;
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /**
   * Verifies {@code data} against the tree in {@code hash}. With {@code params} null the parameters are
   * read from the superblock at {@code hashOffset}; otherwise they are used as given.
   */
  public static VerityVerification verify(Path data, Path hash, VerityParams params, long hashOffset,
      byte[] rootHash, int threads) throws IOException, VerityException {
    return verify(data, hash, params, hashOffset, rootHash, threads, VerityProgress.NONE);
  }

  /** {@link #verify(Path, Path, VerityParams, long, byte[], int)}, telling {@code progress} how much is hashed. */
  public static VerityVerification verify(Path data, Path hash, VerityParams params, long hashOffset,
      byte[] rootHash, int threads, VerityProgress progress) throws IOException, VerityException {
    requireFileOrDevice(data, "data");
    requireFileOrDevice(hash, "hash");
    try (FileChannel d = FileChannel.open(data, StandardOpenOption.READ);
        FileChannel h = Files.isSameFile(data, hash) ? d : FileChannel.open(hash, StandardOpenOption.READ)) {
      VerityParams p = params != null ? params : VerityTree.readSuperblock(h, hashOffset).toParams(hashOffset);
      return VerityTree.verify(d, h, p, rootHash, threads, progress);
    }
  }

  /** Whether {@code p} is, or links to, a block device. */
  static boolean isBlockDevice(Path p) {
    try {
      return ((Integer) Files.getAttribute(p, "unix:mode") & 0170000) == 0060000;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false; // missing, or a file system without unix modes: not a device
    }
  }

  /**
   * The path a finished file for {@code p} is renamed to: {@code p} (absolute) when nothing is there, the
   * regular file it names (through a symbolic link, which stays), and nothing else: a directory, a
   * character device or a pipe is refused rather than replaced by a file.
   */
  private static Path replaceable(Path p, String what) throws IOException, VerityException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return p.toAbsolutePath();
    }
    if (Files.isRegularFile(p)) {
      return p.toRealPath();
    }
    throw new VerityException(p + " is not a regular file or block device; the " + what
        + " goes into a file (replaced when complete) or a block device (written in place)");
  }

  /** An existing file written in place (at an offset, or a device): only a regular file or a block device. */
  private static void requireInPlace(Path p, String what) throws VerityException {
    if (!Files.isRegularFile(p) && !isBlockDevice(p)) {
      throw new VerityException(p + " is not a regular file or block device; the " + what
          + " goes into a file or a block device");
    }
  }

  /** Whether two paths name one file: by identity when both exist, else by their absolute normal form. */
  private static boolean sameFile(Path a, Path b) throws IOException {
    if (Files.exists(a) && Files.exists(b)) {
      return Files.isSameFile(a, b);
    }
    return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
  }

  private static void requireFileOrDevice(Path p, String what) throws NoSuchFileException {
    if (!Files.exists(p)) {
      throw new NoSuchFileException(p.toString());
    }
    if (!Files.isRegularFile(p) && !isBlockDevice(p)) {
      throw new NoSuchFileException(p.toString(), null,
          "the " + what + " file is not a regular file or block device");
    }
  }

  /** A device cannot grow: say so before writing anything rather than fail half-way. */
  private static void checkDeviceSize(Path p, FileChannel ch, long needed, String what)
      throws IOException, VerityException {
    if (isBlockDevice(p) && ch.size() < needed) {
      throw new VerityException("the device " + p + " is " + ch.size() + " bytes; the " + what + " needs " + needed);
    }
  }

  private static void flushDevice(Path p, FileChannel ch) throws IOException {
    if (isBlockDevice(p)) {
      ch.force(false);
    }
  }

  /**
   * The lines {@code veritysetup format} prints, in its exact format, so either tool's output can be
   * compared with the other's.
   */
  public static String veritysetupReport(VerityResult r, String hashName) {
    return veritysetupReport(r, null, hashName);
  }

  /** {@link #veritysetupReport(VerityResult, String)} with the FEC lines when {@code fec} is not null. */
  public static String veritysetupReport(VerityResult r, VerityFec.Result fec, String hashName) {
    VerityParams p = r.params();
    StringBuilder s = new StringBuilder();
    s.append("VERITY header information for ").append(hashName).append('\n');
    s.append("UUID:            \t").append(p.superblock() ? p.uuid().toString() : "").append('\n');
    s.append("Hash type:       \t").append(p.hashType()).append('\n');
    s.append("Data blocks:     \t").append(p.dataBlocks()).append('\n');
    s.append("Data block size: \t").append(p.dataBlockSize()).append('\n');
    s.append("Hash blocks:     \t").append(r.hashBlocks()).append('\n');
    s.append("Hash block size: \t").append(p.hashBlockSize()).append('\n');
    s.append("Hash algorithm:  \t").append(p.hashAlgorithm().kernelName()).append('\n');
    if (fec != null) {
      s.append("FEC RS roots:   \t").append(fec.roots()).append('\n');
      s.append("FEC blocks:     \t").append(fec.fecBlocks()).append('\n');
    }
    s.append("Salt:            \t").append(p.saltHex()).append('\n');
    s.append("Root hash:      \t").append(r.rootHashHex()).append('\n');
    if (p.hashOffset() == 0) {
      long size = r.hashDeviceSize() + (fec != null && fec.inHashFile() ? fec.fecSize() : 0);
      s.append("Hash device size: \t").append(size).append(" [bytes]\n");
    }
    if (fec != null && fec.fecOffset() == 0 && !fec.inHashFile()) {
      s.append("FEC device size: \t").append(fec.fecSize()).append(" [bytes]\n");
    }
    return s.toString();
  }
}

package io.cosbuild.cli;

import io.cosbuild.verity.VerityHashAlgorithm;
import io.cosbuild.verity.VerityParams;
import java.util.HexFormat;
import java.util.UUID;
import picocli.CommandLine.Option;

/** The tree parameters shared by {@code verity format} and {@code verity verify}, named as in veritysetup. */
final class VerityOptions {

  @Option(names = "--hash", paramLabel = "ALG", description = "Hash algorithm: sha256 (default), sha1, sha512.")
  String hash = "sha256";

  @Option(names = "--data-block-size", paramLabel = "BYTES", description = "Data block size, 512..65536 (default 4096).")
  int dataBlockSize = 4096;

  @Option(names = "--hash-block-size", paramLabel = "BYTES", description = "Hash block size, 512..65536 (default 4096).")
  int hashBlockSize = 4096;

  @Option(names = "--data-blocks", paramLabel = "N", description = "Data blocks to cover (default: the whole data file).")
  Long dataBlocks;

  @Option(names = "--hash-offset", paramLabel = "BYTES", description = "Offset of the hash area in HASH (default 0).")
  long hashOffset;

  @Option(names = "--no-superblock", description = "No superblock: the parameters are given on the command line.")
  boolean noSuperblock;

  @Option(names = "--format", paramLabel = "1|0", description = "Hash format: 1 normal (default), 0 Chrome OS.")
  int format = 1;

  @Option(names = "--salt", paramLabel = "HEX|-", description = "Salt in hex, or - for none.")
  String salt;

  @Option(names = "--threads", paramLabel = "N", description = "Hashing threads (default: one per processor).")
  Integer threads;

  VerityHashAlgorithm algorithm() {
    return VerityHashAlgorithm.byName(hash);
  }

  /** The salt given, or null when none was given. */
  byte[] saltBytes() {
    if (salt == null) {
      return null;
    }
    if (salt.equals("-")) {
      return new byte[0];
    }
    try {
      return HexFormat.of().parseHex(salt);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--salt '" + salt + "' is not hex (or - for no salt)", e);
    }
  }

  int threads() {
    if (threads != null && threads < 1) {
      throw new IllegalArgumentException("--threads must be at least 1");
    }
    return threads == null ? io.cosbuild.verity.VerityTree.defaultThreads() : threads;
  }

  VerityParams params(long blocks, byte[] saltBytes, UUID uuid) {
    return new VerityParams(algorithm(), dataBlockSize, hashBlockSize, blocks, saltBytes, format, hashOffset,
        !noSuperblock, noSuperblock ? null : uuid);
  }
}

package io.cosbuild.cli.build;

import io.cosbuild.spec.model.VeritySpec;
import io.cosbuild.verity.VerityException;
import io.cosbuild.verity.VerityFiles;
import io.cosbuild.verity.VerityHashAlgorithm;
import io.cosbuild.verity.VerityLayout;
import io.cosbuild.verity.VerityParams;
import io.cosbuild.verity.VerityProgress;
import io.cosbuild.verity.VerityResult;
import io.cosbuild.verity.VerityTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The dm-verity tree of the root image, with the profile's parameters. A salt of {@code auto} and
 * the superblock UUID derive from the profile digest and the root image's first block, never from
 * randomness. Stateless.
 */
final class VerityStage {

  private VerityStage() {}

  static VerityResult format(Path rootImage, Path hashFile, VeritySpec spec, String profileDigest, VerityProgress progress)
      throws IOException, VerityException {
    VerityHashAlgorithm alg = VerityHashAlgorithm.byName(spec.algorithm());
    long blocks = VerityFiles.dataBlocks(rootImage, spec.dataBlockSize());
    byte[] contentSeed = VerityFiles.defaultSeed(rootImage, blocks, spec.dataBlockSize(), spec.hashBlockSize(), alg);
    byte[] seed = sha256(("cosbuild-verity\n" + profileDigest + "\n" + HexFormat.of().formatHex(contentSeed)).getBytes(StandardCharsets.UTF_8));
    byte[] salt = switch (spec.salt()) {
      case "auto" -> VerityFiles.defaultSalt(seed);
      case "-" -> new byte[0];
      default -> HexFormat.of().parseHex(spec.salt());
    };
    VerityParams params = new VerityParams(alg, spec.dataBlockSize(), spec.hashBlockSize(), blocks, salt, 1, 0, true,
        VerityFiles.defaultUuid(seed));
    return VerityFiles.format(rootImage, hashFile, params, VerityTree.defaultThreads(), progress);
  }

  /** Bytes of a hash file (superblock and tree) for a root of {@code rootBytes}, to size VERITY-B. */
  static long hashFileSize(long rootBytes, VeritySpec spec) {
    long blocks = Math.max(1, rootBytes / spec.dataBlockSize());
    VerityParams p = new VerityParams(VerityHashAlgorithm.byName(spec.algorithm()), spec.dataBlockSize(), spec.hashBlockSize(), blocks,
        new byte[32], 1, 0, true, new java.util.UUID(0, 0));
    return VerityLayout.of(p).hashDeviceSize();
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

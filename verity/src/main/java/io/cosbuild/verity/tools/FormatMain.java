package io.cosbuild.verity.tools;

import io.cosbuild.verity.VerityException;
import io.cosbuild.verity.VerityFiles;
import io.cosbuild.verity.VerityHashAlgorithm;
import io.cosbuild.verity.VerityParams;
import io.cosbuild.verity.VerityResult;
import io.cosbuild.verity.VerityTree;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.UUID;

/**
 * A dependency-free {@code verity format} for benchmarks and for checkouts without the CLI jar:
 * {@code java -cp verity/target/classes io.cosbuild.verity.tools.FormatMain DATA HASH [--salt HEX|-]
 * [--uuid UUID] [--hash ALG] [--data-block-size N] [--hash-block-size N] [--threads N]}.
 * Prints what {@code veritysetup format} prints. Exit 0 ok, 1 failure, 2 usage error.
 */
public final class FormatMain {

  private FormatMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    String salt = null;
    String uuid = null;
    String alg = "sha256";
    int dbs = 4096;
    int hbs = 4096;
    int threads = VerityTree.defaultThreads();
    Path data = null;
    Path hash = null;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--salt" -> salt = args[++i];
          case "--uuid" -> uuid = args[++i];
          case "--hash" -> alg = args[++i];
          case "--data-block-size" -> dbs = Integer.parseInt(args[++i]);
          case "--hash-block-size" -> hbs = Integer.parseInt(args[++i]);
          case "--threads" -> threads = Integer.parseInt(args[++i]);
          default -> {
            if (data == null) {
              data = Path.of(args[i]);
            } else if (hash == null) {
              hash = Path.of(args[i]);
            } else {
              throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
          }
        }
      }
      if (hash == null) {
        throw new IllegalArgumentException("usage: FormatMain DATA HASH [--salt HEX|-] [--uuid UUID] [--threads N]");
      }
      VerityHashAlgorithm a = VerityHashAlgorithm.byName(alg);
      long blocks = VerityFiles.dataBlocks(data, dbs);
      byte[] seed = salt == null || uuid == null ? VerityFiles.defaultSeed(data, blocks, dbs, hbs, a) : null;
      byte[] s = salt == null ? VerityFiles.defaultSalt(seed) : "-".equals(salt) ? new byte[0] : HexFormat.of().parseHex(salt);
      UUID u = uuid == null ? VerityFiles.defaultUuid(seed) : UUID.fromString(uuid);
      VerityParams p = VerityParams.of(blocks, s, u).withHashAlgorithm(a).withBlockSizes(dbs, hbs);
      VerityResult r = VerityFiles.format(data, hash, p, threads);
      System.out.print(VerityFiles.veritysetupReport(r, hash.toString()));
      return 0;
    } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
      System.err.println("verity format: " + e.getMessage());
      return 2;
    } catch (IOException | VerityException e) {
      System.err.println("verity format: " + e.getMessage());
      return 1;
    }
  }
}

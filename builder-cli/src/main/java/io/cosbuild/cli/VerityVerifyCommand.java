package io.cosbuild.cli;

import io.cosbuild.cli.build.Progress;
import io.cosbuild.verity.VerityFiles;
import io.cosbuild.verity.VerityParams;
import io.cosbuild.verity.VerityVerification;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cosbuild verity verify DATA HASH ROOT_HASH}: recomputes the whole tree and compares it with HASH
 * and ROOT_HASH. Exit 0 verified, 1 verification failed, 2 usage or input error.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Check DATA against the hash tree in HASH and ROOT_HASH, as 'veritysetup verify' does.",
        "Parameters come from the superblock, or from the options with --no-superblock (then --salt is required)."})
public final class VerityVerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LoggingOptions logging;
  @Mixin VerityOptions options;

  @Parameters(index = "0", paramLabel = "DATA", description = "Data file or block device.")
  Path data;

  @Parameters(index = "1", paramLabel = "HASH", description = "Hash file or block device (may be DATA with --hash-offset).")
  Path hash;

  @Parameters(index = "2", paramLabel = "ROOT_HASH", description = "Expected root hash in hex.")
  String rootHash;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() {
    try {
      byte[] root;
      try {
        root = HexFormat.of().parseHex(rootHash.strip());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("ROOT_HASH '" + rootHash + "' is not hex", e);
      }
      VerityParams p = null;
      if (options.noSuperblock) {
        byte[] salt = options.saltBytes();
        if (salt == null) {
          throw new IllegalArgumentException("--no-superblock needs --salt (hex, or - for none)");
        }
        long blocks = options.dataBlocks != null ? options.dataBlocks
            : VerityFiles.dataBlocks(data, options.dataBlockSize);
        p = options.params(blocks, salt, null);
      }
      logging.debug(VerityVerifyCommand.class, "verity: parameters from {}, hash area at byte {} of {}, {} threads",
          p == null ? "the superblock" : "the options (no superblock)", options.hashOffset, hash, options.threads());
      long start = System.nanoTime();
      VerityVerification v;
      try (Progress.Step step = Progress.onTerminalOnly(spec.commandLine().getErr()).start("Verifying " + data)) {
        v = VerityFiles.verify(data, hash, p, options.hashOffset, root, options.threads(), step::update);
      }
      logging.debug(VerityVerifyCommand.class, "verity: tree recomputed and compared in {} ms",
          (System.nanoTime() - start) / 1_000_000);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", v.ok());
        m.put("message", v.message());
        m.put("failedAt", v.failedAt() < 0 ? null : v.failedAt());
        m.put("rootHash", HexFormat.of().formatHex(root));
        out.println(Json.write(m));
      } else if (v.ok()) {
        out.println("Verification succeeded: " + v.message() + ".");
      } else {
        spec.commandLine().getErr().println("cosbuild: verity verify: " + v.message());
      }
      out.flush();
      spec.commandLine().getErr().flush();
      return v.ok() ? 0 : 1;
    } catch (Exception e) {
      return VerityCommand.fail(spec, e, logging, json);
    }
  }
}

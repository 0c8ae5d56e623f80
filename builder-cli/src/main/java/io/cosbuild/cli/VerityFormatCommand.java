package io.cosbuild.cli;

import io.cosbuild.cli.build.Progress;
import io.cosbuild.verity.VerityFec;
import io.cosbuild.verity.VerityFiles;
import io.cosbuild.verity.VerityParams;
import io.cosbuild.verity.VerityResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cosbuild verity format DATA HASH}: writes the hash tree and prints what {@code veritysetup format}
 * prints. Without {@code --salt} / {@code --uuid} both are derived from the data (never random).
 */
@Command(name = "format", mixinStandardHelpOptions = true,
    description = {"Compute the dm-verity hash tree of DATA into HASH, as 'veritysetup format' does.",
        "Without --salt and --uuid they are derived from the data's size and first block, so the same "
            + "input gives the same tree."})
public final class VerityFormatCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LoggingOptions logging;
  @Mixin VerityOptions options;

  @Parameters(index = "0", paramLabel = "DATA", description = "Data: a filesystem image file or a block device.")
  Path data;

  @Parameters(index = "1", paramLabel = "HASH", description = "Hash file or block device (written in place); may be DATA itself with --hash-offset.")
  Path hash;

  @Option(names = "--uuid", paramLabel = "UUID", description = "Superblock UUID (default: derived from the data).")
  UUID uuid;

  @Option(names = "--fec-device", paramLabel = "FILE",
      description = "Also write Reed-Solomon parity (forward error correction) to FILE (may be HASH).")
  Path fecDevice;

  @Option(names = "--fec-offset", paramLabel = "BYTES", description = "Offset of the parity area in the FEC file (default 0).")
  long fecOffset;

  @Option(names = "--fec-roots", paramLabel = "N", description = "Parity bytes per Reed-Solomon code word, 2..24 (default 2).")
  int fecRoots = 2;

  @Option(names = "--json", description = "Print JSON instead of veritysetup's lines.")
  boolean json;

  @Override
  public Integer call() {
    try {
      if (fecDevice == null && (fecOffset != 0 || fecRoots != 2)) {
        throw new IllegalArgumentException("--fec-offset and --fec-roots need --fec-device");
      }
      OutputFile.refuseInUse(hash);
      if (fecDevice != null) {
        OutputFile.refuseInUse(fecDevice);
      }
      Progress progress = Progress.onTerminalOnly(spec.commandLine().getErr());
      VerityResult r = format(data, hash, options, uuid, progress);
      VerityFec.Result fec = null;
      if (fecDevice != null) {
        try (Progress.Step step = progress.start("Encoding forward error correction into " + fecDevice)) {
          fec = VerityFiles.formatFec(data, hash, r, fecDevice, fecOffset, fecRoots, options.threads(), step::update);
          step.done(fec.fecBlocks() + " parity blocks");
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> m = toJson(r);
        if (fec != null) {
          m.put("fecRoots", fec.roots());
          m.put("fecBlocks", fec.fecBlocks());
          m.put("fecCoveredBlocks", fec.coveredBlocks());
          m.put("fecOffset", fec.fecOffset());
        }
        out.println(Json.write(m));
      } else {
        out.print(VerityFiles.veritysetupReport(r, fec, hash.toString()));
      }
      out.flush();
      return 0;
    } catch (Exception e) {
      return VerityCommand.fail(spec, e, logging, json);
    }
  }

  private VerityResult format(Path data, Path hash, VerityOptions o, UUID givenUuid, Progress progress) throws Exception {
    var alg = o.algorithm();
    long blocks;
    if (o.dataBlocks != null) {
      blocks = o.dataBlocks;
    } else {
      blocks = VerityFiles.dataBlocks(data, o.dataBlockSize);
    }
    byte[] salt = o.saltBytes();
    UUID u = givenUuid;
    if (salt == null || (u == null && !o.noSuperblock)) {
      byte[] seed = VerityFiles.defaultSeed(data, blocks, o.dataBlockSize, o.hashBlockSize, alg);
      salt = salt == null ? VerityFiles.defaultSalt(seed) : salt;
      u = u == null ? VerityFiles.defaultUuid(seed) : u;
    }
    VerityParams p = o.params(blocks, salt, u);
    if (fecDevice != null) {
      // Before the tree is written: a refusal then leaves the hash file (and a shared data file) as it was.
      VerityFiles.checkFec(data, hash, p, fecDevice, fecOffset, fecRoots);
    }
    if (p.dataBlockSize() > 4096) {
      spec.commandLine().getErr().println("WARNING: Kernel cannot activate device if data block size exceeds page size (4096).");
    }
    if (p.hashBlockSize() > 4096) {
      spec.commandLine().getErr().println("WARNING: Kernel cannot activate device if hash block size exceeds page size (4096).");
    }
    logging.debug(VerityFormatCommand.class, "verity: {} data blocks of {} bytes, hash blocks of {} bytes, {}, format {}, "
        + "salt {} bytes, {}, hash area at byte {} of {}, {} threads", p.dataBlocks(), p.dataBlockSize(), p.hashBlockSize(),
        p.hashAlgorithm().kernelName(), p.hashType(), p.salt().length, o.noSuperblock ? "no superblock" : "superblock",
        o.hashOffset, hash, o.threads());
    long start = System.nanoTime();
    VerityResult r;
    try (Progress.Step step = progress.start("Hashing " + data)) {
      r = VerityFiles.format(data, hash, p, o.threads(), step::update);
      step.done(r.hashBlocks() + " hash blocks");
    }
    long ms = Math.max(1, (System.nanoTime() - start) / 1_000_000);
    logging.debug(VerityFormatCommand.class, "verity: {} hash blocks in {} ms ({} MB/s of data)", r.hashBlocks(), ms,
        p.dataBlocks() * p.dataBlockSize() / 1000 / ms);
    return r;
  }

  /** The result as JSON fields (sorted by the writer). */
  static Map<String, Object> toJson(VerityResult r) {
    VerityParams p = r.params();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rootHash", r.rootHashHex());
    m.put("salt", p.saltHex());
    m.put("hashAlgorithm", p.hashAlgorithm().kernelName());
    m.put("hashType", p.hashType());
    m.put("dataBlocks", p.dataBlocks());
    m.put("dataBlockSize", p.dataBlockSize());
    m.put("hashBlocks", r.hashBlocks());
    m.put("hashBlockSize", p.hashBlockSize());
    m.put("hashOffset", p.hashOffset());
    m.put("hashStartBlock", r.hashStartBlock());
    m.put("hashDeviceSize", r.hashDeviceSize());
    m.put("superblock", p.superblock());
    m.put("uuid", p.uuid() == null ? null : p.uuid().toString());
    m.put("table", r.table("DATA_DEV", "HASH_DEV").line());
    return m;
  }
}

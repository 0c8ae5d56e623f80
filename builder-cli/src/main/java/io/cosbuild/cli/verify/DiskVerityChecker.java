package io.cosbuild.cli.verify;

import io.cosbuild.disk.gpt.RootHash;
import io.cosbuild.disk.inspect.VerityChecker;
import io.cosbuild.disk.inspect.VerityFacts;
import io.cosbuild.verity.VerityException;
import io.cosbuild.verity.VerityParams;
import io.cosbuild.verity.VerityTree;
import io.cosbuild.verity.VerityVerification;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.HexFormat;

/**
 * Recomputes a verity tree that lives on a disk image (data and hash partitions of one file) with
 * the verity module's hasher, and checks it against the expected root hash. Keeps the last failure
 * message for the report. Not thread-safe.
 */
public final class DiskVerityChecker implements VerityChecker {

  private String lastFailure = "";

  @Override
  public boolean check(FileChannel disk, long dataOffset, long hashOffset, VerityFacts facts, RootHash expected)
      throws IOException {
    try {
      VerityParams params = VerityTree.readSuperblock(disk, hashOffset).toParams(hashOffset);
      long dataBytes = params.dataBlocks() * params.dataBlockSize();
      VerityVerification v = VerityTree.verify(new SlicedFileChannel(disk, dataOffset, dataBytes), disk, params,
          HexFormat.of().parseHex(expected.hex()), VerityTree.defaultThreads());
      lastFailure = v.ok() ? "" : v.message();
      return v.ok();
    } catch (VerityException e) {
      lastFailure = e.getMessage();
      return false;
    }
  }

  public String lastFailure() {
    return lastFailure;
  }
}

package io.cosbuild.verity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * veritysetup is the judge: for each case it formats the same data with the same salt and UUID, and our
 * root hash, hash file bytes and printed report must equal its; veritysetup must accept our tree, and
 * after one data byte is flipped both verifiers must refuse it.
 */
class VeritysetupCompatIT {

  private static final UUID UUID_ = UUID.fromString("0d2a6c7e-4b1f-4e3a-9c55-2f7d18e0a9b1");

  /**
   * One case. {@code sameFile}: the tree goes into the data file after the data, at {@code hashOffset}
   * (0 there means "right after the data").
   */
  record Case(String name, long size, int dbs, int hbs, String alg, int format, String salt, boolean superblock,
      long hashOffset, boolean sameFile) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    String salt32 = "5c0f2e1d9a8b7c6d5e4f30211203f4e5d6c7b8a9908172635445362718091a2b";
    return Stream.of(
        new Case("one block", 4096, 4096, 4096, "sha256", 1, salt32, true, 0, false),
        new Case("one block, empty salt, no superblock", 4096, 4096, 4096, "sha256", 1, "-", false, 0, false),
        new Case("one full hash block of hashes (128 blocks)", 128 * 4096, 4096, 4096, "sha256", 1, "00", true, 0, false),
        new Case("one more (129 blocks)", 129 * 4096, 4096, 4096, "sha256", 1, salt32, true, 0, false),
        new Case("64 MiB + 1 block random, three levels", (64L << 20) + 4096, 4096, 4096, "sha256", 1, salt32, true, 0,
            false),
        new Case("512-byte blocks, 256-byte salt", 1000 * 512, 512, 512, "sha256", 1, "a5".repeat(256), true, 0, false),
        new Case("sha1 format 0, 1 KiB data blocks", 3000 * 1024, 1024, 4096, "sha1", 0, "0102030405", true, 0, false),
        new Case("sha1 format 1 (padded digests)", 1000 * 4096, 4096, 4096, "sha1", 1, salt32, true, 0, false),
        new Case("sha512, 1 KiB hash blocks, empty salt", 300 * 4096, 4096, 1024, "sha512", 1, "-", true, 0, false),
        new Case("64 KiB blocks", 40 * 65536, 65536, 65536, "sha256", 1, salt32, true, 0, false),
        new Case("no superblock, 129 blocks", 129 * 4096, 4096, 4096, "sha256", 1, salt32, false, 0, false),
        new Case("partial last block is not covered", 10 * 4096 + 100, 4096, 4096, "sha256", 1, "ff", true, 0, false),
        new Case("separate hash file at offset 8192", 300 * 4096, 4096, 4096, "sha256", 1, salt32, true, 8192, false),
        new Case("hash area after the data in the same file", 300 * 4096, 4096, 4096, "sha256", 1, salt32, true, 0, true),
        new Case("same file, no superblock", 300 * 4096, 4096, 4096, "sha256", 1, "-", false, 0, true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void sameTreeAsVeritysetup(Case c, @TempDir Path dir) throws Exception {
    Path data = Tools.randomFile(dir.resolve("data"), c.size, c.size * 31 + c.dbs);
    int threads = 2;
    long blocks = c.size / c.dbs;
    long offset = c.sameFile ? (c.hashOffset != 0 ? c.hashOffset : blocks * c.dbs) : c.hashOffset;
    Path theirData = data;
    Path theirs = dir.resolve("theirs.hash");
    Path ours = dir.resolve("ours.hash");
    if (c.sameFile) {
      theirData = dir.resolve("theirs.img");
      Files.copy(data, theirData);
      theirs = theirData;
      ours = dir.resolve("ours.img");
      Files.copy(data, ours);
    }
    List<String> params = Tools.list("--hash", c.alg, "--format", String.valueOf(c.format),
        "--data-block-size", String.valueOf(c.dbs), "--hash-block-size", String.valueOf(c.hbs), "--salt", c.salt);
    if (!c.superblock) {
      params.add("--no-superblock");
    }
    if (offset != 0) {
      params.addAll(List.of("--hash-offset", String.valueOf(offset)));
    }
    List<String> format = Tools.list("veritysetup", "format", theirData.toString(), theirs.toString());
    format.addAll(params);
    if (c.superblock) {
      format.addAll(List.of("--uuid", UUID_.toString()));
    }
    String out = Tools.ok(format);
    String theirRoot = Tools.field(out, "Root hash");

    byte[] salt = c.salt.equals("-") ? new byte[0] : HexFormat.of().parseHex(c.salt);
    VerityParams p = new VerityParams(VerityHashAlgorithm.byName(c.alg), c.dbs, c.hbs,
        VerityFiles.dataBlocks(data, c.dbs), salt, c.format, offset, c.superblock, c.superblock ? UUID_ : null);
    Path ourData = c.sameFile ? ours : data;
    VerityResult r = VerityFiles.format(ourData, ours, p, threads);

    assertEquals(theirRoot, r.rootHashHex(), "root hash");
    assertEquals(-1, Files.mismatch(theirs, ours), "hash file bytes differ from veritysetup's");
    if (!c.sameFile) {
      assertEquals(Files.getPosixFilePermissions(theirs), Files.getPosixFilePermissions(ours), "a new hash file's mode");
    }
    // veritysetup warns (block size above the page size) before its report; the CLI prints that to stderr.
    String report = out.lines().filter(l -> !l.startsWith("WARNING")).map(l -> l + "\n").reduce("", String::concat);
    assertEquals(report.replace(theirs.toString(), "HASH"),
        VerityFiles.veritysetupReport(r, ours.toString()).replace(ours.toString(), "HASH"), "printed report");

    // veritysetup accepts our tree, and so do we.
    List<String> verify = Tools.list("veritysetup", "verify", ourData.toString(), ours.toString(), r.rootHashHex());
    if (!c.superblock) {
      verify.addAll(params);
      verify.addAll(List.of("--data-blocks", String.valueOf(blocks)));
    } else if (offset != 0) {
      verify.addAll(List.of("--hash-offset", String.valueOf(offset)));
    }
    assertEquals(0, Tools.run(verify).exit(), "veritysetup verify of our tree");
    VerityVerification v = VerityFiles.verify(ourData, ours, c.superblock ? null : p, offset, r.rootHash(), threads);
    assertTrue(v.ok(), v.message());

    // One flipped data byte: both refuse.
    Tools.flipByte(ourData, blocks * c.dbs / 2 + 7);
    Tools.Run after = Tools.run(verify);
    assertNotEquals(0, after.exit(), "veritysetup verify after a flipped byte: " + after.out());
    VerityVerification bad = VerityFiles.verify(ourData, ours, c.superblock ? null : p, offset, r.rootHash(), threads);
    assertFalse(bad.ok(), "our verify after a flipped byte");
    if (blocks > 1) {
      // Both name the data block at the same position.
      java.util.regex.Matcher at = java.util.regex.Pattern.compile("Verification failed at position (\\d+)")
          .matcher(after.out());
      assertTrue(at.find(), after.out());
      assertTrue(bad.message().startsWith("verification failed at data position " + at.group(1) + ": data block "
          + Long.parseLong(at.group(1)) / c.dbs + " ("), bad.message() + "; veritysetup: " + after.out());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void flippedTreeByteFailsVerification(Case c, @TempDir Path dir) throws Exception {
    if (c.size / c.dbs < 2 || c.sameFile) {
      return; // a single block has no tree to damage; same-file cases are covered above
    }
    Path data = Tools.randomFile(dir.resolve("data"), c.size, c.size * 7 + 1);
    byte[] salt = c.salt.equals("-") ? new byte[0] : HexFormat.of().parseHex(c.salt);
    VerityParams p = new VerityParams(VerityHashAlgorithm.byName(c.alg), c.dbs, c.hbs,
        VerityFiles.dataBlocks(data, c.dbs), salt, c.format, c.hashOffset, c.superblock, c.superblock ? UUID_ : null);
    Path hash = dir.resolve("hash");
    VerityResult r = VerityFiles.format(data, hash, p, 2);
    Path copy = dir.resolve("hash2");
    Files.copy(hash, copy, StandardCopyOption.REPLACE_EXISTING);
    // The last byte of the tree is level 0's zero padding or a digest: either way it must be checked.
    Tools.flipByte(copy, r.hashDeviceSize() - 1);
    VerityVerification v = VerityFiles.verify(data, copy, c.superblock ? null : p, c.hashOffset, r.rootHash(), 2);
    assertFalse(v.ok(), "a changed hash file byte must fail");
    assertEquals(r.hashDeviceSize() - 1, v.failedAt());
  }
}

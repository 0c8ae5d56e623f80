package io.cosbuild.verity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/** veritysetup is the judge of FEC: same parity bytes, same report, and it accepts ours. */
class VerityFecIT {

  private static final UUID UUID_ = UUID.fromString("0d2a6c7e-4b1f-4e3a-9c55-2f7d18e0a9b1");

  @org.junit.jupiter.api.Test
  void parityInTheHashFileAfterTheTree(@TempDir Path dir) throws Exception {
    Path data = Tools.randomFile(dir.resolve("data"), 3 << 20, 5);
    long fecOffset = 1 << 20;
    Path vh = Files.createFile(dir.resolve("vh"));
    Files.write(vh, new byte[(int) fecOffset]);
    Path oh = Files.createFile(dir.resolve("oh"));
    Files.write(oh, new byte[(int) fecOffset]);
    String out = Tools.ok(List.of("veritysetup", "format", data.toString(), vh.toString(), "--fec-device", vh.toString(),
        "--fec-offset", String.valueOf(fecOffset), "--salt", "-", "--uuid", UUID_.toString()));
    VerityParams p = VerityParams.of(VerityFiles.dataBlocks(data, 4096), new byte[0], UUID_);
    VerityResult r = VerityFiles.format(data, oh, p, 2);
    VerityFec.Result fec = VerityFiles.formatFec(data, oh, r, oh, fecOffset, 2, 2);
    assertEquals(-1, Files.mismatch(vh, oh), "hash file with parity differs from veritysetup's");
    assertEquals(out.replace(vh.toString(), "H"), VerityFiles.veritysetupReport(r, fec, oh.toString()).replace(oh.toString(), "H"));
    String line = r.table("/dev/vda2", "/dev/vda3").withFec("/dev/vda3", fec).line();
    assertEquals(" 8 use_fec_from_device /dev/vda3 fec_start 256 fec_blocks " + fec.coveredBlocks() + " fec_roots 2",
        line.substring(line.indexOf(" -") + 2));
  }

  @ParameterizedTest(name = "{0} bytes, {1} roots, fec offset {2}, superblock {3}")
  @CsvSource({
      "1048576, 2, 0, true",
      "1048576, 24, 0, true",
      "4096, 2, 0, true",
      "5000000, 7, 8192, false",
      "8392704, 2, 0, true"})
  void sameParityAsVeritysetup(long size, int roots, long fecOffset, boolean superblock, @TempDir Path dir)
      throws Exception {
    Path data = Tools.randomFile(dir.resolve("data"), size, size + roots);
    String salt = "a1b2c3";
    List<String> cmd = Tools.list("veritysetup", "format", data.toString(), dir.resolve("vh").toString(),
        "--fec-device", dir.resolve("vf").toString(), "--fec-roots", String.valueOf(roots),
        "--fec-offset", String.valueOf(fecOffset), "--salt", salt);
    if (superblock) {
      cmd.addAll(List.of("--uuid", UUID_.toString()));
    } else {
      cmd.add("--no-superblock");
    }
    String out = Tools.ok(cmd);

    VerityParams p = new VerityParams(VerityHashAlgorithm.SHA256, 4096, 4096, VerityFiles.dataBlocks(data, 4096),
        HexFormat.of().parseHex(salt), 1, 0, superblock, superblock ? UUID_ : null);
    Path oh = dir.resolve("oh");
    Path of = dir.resolve("of");
    VerityResult r = VerityFiles.format(data, oh, p, 2);
    VerityFec.Result fec = VerityFiles.formatFec(data, oh, r, of, fecOffset, roots, 2);

    assertEquals(-1, Files.mismatch(dir.resolve("vh"), oh), "hash file");
    assertEquals(-1, Files.mismatch(dir.resolve("vf"), of), "FEC parity differs from veritysetup's");
    assertEquals(out.replace(dir.resolve("vh").toString(), "H"),
        VerityFiles.veritysetupReport(r, fec, oh.toString()).replace(oh.toString(), "H"));

    List<String> verify = Tools.list("veritysetup", "verify", data.toString(), oh.toString(), r.rootHashHex(),
        "--fec-device", of.toString(), "--fec-roots", String.valueOf(roots), "--fec-offset", String.valueOf(fecOffset));
    if (!superblock) {
      verify.addAll(List.of("--no-superblock", "--salt", salt));
    }
    Tools.ok(verify);
  }
}

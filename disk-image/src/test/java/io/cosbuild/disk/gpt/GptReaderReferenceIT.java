package io.cosbuild.disk.gpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.disk.Sgdisk;
import io.cosbuild.disk.Tools;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables sgdisk makes (with {@code -S}, other entry counts than 128) and damages only their layout: each problem
 * {@code sgdisk -v} names must be named by {@link GptReader}, and a table it finds no problem in must read clean.
 */
class GptReaderReferenceIT {
  private static final long MIB = 1 << 20;

  @TempDir
  Path dir;

  private static GptReader.Result read(Path disk) throws Exception {
    try (FileChannel ch = FileChannel.open(disk, StandardOpenOption.READ)) {
      return GptReader.read(ch);
    }
  }

  @Test
  void tablesOfOtherSizesAreJudgedByTheirOwnHeaders() throws Exception {
    List<List<String>> cases = List.of(
        List.of("-S", "256", "-n", "1:2048:+4M", "-n", "200:0:+4M"),
        // Four entries fill one sector: the first usable LBA is 3, where a 128-entry table still has its array.
        List.of("-S", "4", "-a", "1", "-n", "4:3:200", "-n", "1:201:+1M"));
    for (List<String> args : cases) {
      Path disk = Sgdisk.disk(dir.resolve("s.raw"), 20 * MIB, args.toArray(String[]::new));
      assertTrue(Sgdisk.verify(disk).contains("No problems found"), Sgdisk.verify(disk));
      GptReader.Result r = read(disk);
      assertTrue(r.ok(), args + ": " + r.problems());
      String expected = Sgdisk.all(Tools.run("sgdisk", "-p", disk.toString()), "(?m)^\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s")
          .stream().map(g -> String.join(" ", g)).sorted().toList().toString();
      assertEquals(expected, r.partitions().stream()
          .map(p -> p.number() + " " + p.entry().firstLba() + " " + p.entry().lastLba()).sorted().toList().toString());
    }
  }

  @Test
  void partitionsOnEitherEntryArrayAreFound() throws Exception {
    Path disk = damaged(new long[][] {{2, 30000, 40920}, {1, 20, 2047}}, "-S", "256", "-n", "1:2048:+4M", "-n",
        "2:0:+4M");
    String sg = Sgdisk.verify(disk);
    GptReader.Result r = read(disk);
    assertNamed(r.problems(), "partition 1 ", "starts " + tableOverlap(sg, "Main", "first")
        + " sectors before the first usable LBA", "primary GPT entry array");
    assertNamed(r.problems(), "partition 2 ", "ends " + tableOverlap(sg, "Secondary", "last")
        + " sectors past the last usable LBA", "backup GPT entry array");
    assertEquals(2, r.partitions().size());
  }

  @Test
  void everyLayoutProblemSgdiskNamesIsListed() throws Exception {
    Path disk = damaged(new long[][] {{2, 9000, 18431}, {3, 20480, 99999}}, "-n", "1:2048:+4M", "-n", "2:0:+4M",
        "-n", "3:0:+4M");
    String sg = Sgdisk.verify(disk);
    List<String> problems = read(disk).problems();
    for (List<String> pair : Sgdisk.all(sg, "Problem: partitions (\\d+) and (\\d+) overlap")) {
      int a = Integer.parseInt(pair.get(0));
      int b = Integer.parseInt(pair.get(1));
      String named = "partitions " + Math.min(a, b) + " and " + Math.max(a, b) + " overlap";
      assertNamed(problems, named);
    }
    for (List<String> big : Sgdisk.all(sg, "Problem: partition (\\d+) is too big for the disk")) {
      assertNamed(problems, "partition " + big.get(0) + " ", "past the end of the disk");
    }
    assertNamed(problems, "partition 3 ", "ends " + tableOverlap(sg, "Secondary", "last")
        + " sectors past the last usable LBA");
  }

  /** A 20 MiB disk partitioned by {@code sgdisk ARGS}, then each {number, first LBA, last LBA} moved there. */
  private Path damaged(long[][] moves, String... args) throws Exception {
    Path disk = Sgdisk.disk(dir.resolve("damaged.raw"), 20 * MIB, args);
    for (long[] m : moves) {
      Sgdisk.setLbas(disk, (int) m[0], m[1], m[2]);
    }
    return disk;
  }

  /** The blocks sgdisk says its Main or Secondary table overlaps the first or last partition by. */
  private static String tableOverlap(String sgdiskVerify, String table, String partition) {
    return Sgdisk.all(sgdiskVerify, table + " partition table overlaps the " + partition
        + " partition by\\s+(\\d+) blocks").get(0).get(0);
  }

  private static void assertNamed(List<String> problems, String... parts) {
    assertTrue(problems.stream().anyMatch(p -> Stream.of(parts).allMatch(p::contains)),
        () -> List.of(parts) + " not in " + problems);
  }
}

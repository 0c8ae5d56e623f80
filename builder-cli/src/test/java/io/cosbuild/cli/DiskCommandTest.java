package io.cosbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cosbuild.disk.gpt.Architecture;
import io.cosbuild.disk.layout.DiskImageWriter;
import io.cosbuild.disk.layout.DiskLayout;
import io.cosbuild.disk.layout.DiskLayoutRequest;
import io.cosbuild.disk.layout.PartitionContent;
import io.cosbuild.disk.layout.PartitionRequest;
import io.cosbuild.disk.layout.PartitionRole;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DiskCommandTest {
  @TempDir
  Path dir;

  record Result(int code, String out, String err) {
  }

  /** {@code cosbuild disk ARGS} in this JVM. */
  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new DiskCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  private Path disk() throws Exception {
    DiskLayout l = DiskLayout.plan(new DiskLayoutRequest(Architecture.X86_64, 32L << 20, "cli", false, List.of(
        PartitionRequest.of(PartitionRole.ROOT_A, 4 << 20, PartitionContent.empty()),
        PartitionRequest.of(PartitionRole.STATE, 1 << 20, PartitionContent.empty()))));
    return DiskImageWriter.write(l, dir.resolve("disk.raw")).path();
  }

  @Test
  void inspectPrintsTheTableAsTextAndJson() throws Exception {
    Path disk = disk();
    Result text = run("inspect", disk.toString());
    assertEquals(0, text.code(), text.err());
    assertTrue(text.out().contains("ROOT-A") && text.out().contains("GPT: ok"), text.out());
    Result json = run("inspect", "--json", disk.toString());
    assertEquals(0, json.code(), json.err());
    JsonNode n = new ObjectMapper().readTree(json.out());
    assertEquals(2, n.get("partitions").size());
    assertEquals("STATE", n.get("partitions").get(1).get("name").asText());
  }

  @Test
  void aDamagedGptExitsOneAndAMissingDiskTwo() throws Exception {
    Path disk = disk();
    try (FileChannel ch = FileChannel.open(disk, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {0x7f}), 512 + 60);
    }
    Result r = run("inspect", disk.toString());
    assertEquals(1, r.code());
    assertTrue(r.out().contains("primary GPT header at LBA 1: header CRC32"), r.out());
    Result missing = run("inspect", dir.resolve("nope.raw").toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("no such file"), missing.err());
  }

  @Test
  void aDirectoryOrAFifoIsAnInputErrorNotAHang() throws Exception {
    Result d = run("inspect", dir.toString());
    assertEquals(2, d.code(), d.out());
    assertTrue(d.err().contains(dir + " is a directory"), d.err());
    Path fifo = dir.resolve("fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    Result f = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> run("inspect", fifo.toString()));
    assertEquals(2, f.code(), f.out());
    assertTrue(f.err().contains(fifo + " is a FIFO"), f.err());
  }
}

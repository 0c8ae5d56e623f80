package io.cosbuild.verity.bench;

import io.cosbuild.verity.VerityHashAlgorithm;
import io.cosbuild.verity.VerityParams;
import io.cosbuild.verity.VerityResult;
import io.cosbuild.verity.VerityTree;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The in-process hashing core on a file in the page cache (JVM start and JIT warm-up excluded), and the
 * JDK's bare SHA-256 over 4 KiB blocks on one thread, for comparison with {@code openssl speed -evp sha256}.
 * Not run by {@code mvn verify}: {@code bench/verity.sh} builds it with {@code -Pjmh} and runs it.
 * Throughput in bytes of data per second is {@code file size / score}; the script prints it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC"})
@Warmup(iterations = 3)
@Measurement(iterations = 5)
public class VerityHashBench {

  /** The data file; the script passes its 1 GiB file. Made (256 MiB, random) when absent. */
  @Param("")
  public String file;

  @Param("2")
  public int threads;

  private Path data;
  private Path hash;
  private boolean made;
  private FileChannel in;
  private FileChannel out;
  private VerityParams params;
  private final byte[] block = new byte[4096];
  private final byte[] digest = new byte[32];
  private final MessageDigest md = VerityHashAlgorithm.SHA256.newDigest();

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    if (file.isEmpty()) {
      data = Files.createTempFile("verity-bench", ".img");
      byte[] buf = new byte[1 << 20];
      SplittableRandom r = new SplittableRandom(1);
      try (var o = Files.newOutputStream(data)) {
        for (int i = 0; i < 256; i++) {
          r.nextBytes(buf);
          o.write(buf);
        }
      }
      made = true;
    } else {
      data = Path.of(file);
    }
    hash = Files.createTempFile("verity-bench", ".hash");
    in = FileChannel.open(data, StandardOpenOption.READ);
    out = FileChannel.open(hash, StandardOpenOption.READ, StandardOpenOption.WRITE);
    params = VerityParams.of(Files.size(data) / 4096, new byte[32], new UUID(1, 2));
    new SplittableRandom(2).nextBytes(block);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    in.close();
    out.close();
    Files.deleteIfExists(hash);
    if (made) {
      Files.delete(data);
    }
  }

  /** Whole tree (all levels, superblock) of the data file into a hash file. */
  @Benchmark
  public VerityResult format() throws Exception {
    return VerityTree.format(in, out, params, threads);
  }

  /** One thread, one salted 4 KiB block from the heap: the JDK's SHA-256 speed (1 op = 4 KiB). */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public byte[] sha256Block4k() throws Exception {
    md.update(digest);
    md.update(block);
    md.digest(digest, 0, 32);
    return digest;
  }
}

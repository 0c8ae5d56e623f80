package io.cosbuild.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Runs the reference tools that judge our output. */
public final class Tools {
  private Tools() {}

  /** Output of a finished command: exit code, stdout, stderr. */
  public record Run(int code, String out, String err) {
  }

  public static Run exec(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
    p.getOutputStream().close();
    byte[][] streams = new byte[2][];
    Thread errReader = new Thread(() -> {
      try {
        streams[1] = p.getErrorStream().readAllBytes();
      } catch (IOException e) {
        streams[1] = e.toString().getBytes(StandardCharsets.UTF_8);
      }
    });
    errReader.start();
    streams[0] = p.getInputStream().readAllBytes();
    int code = p.waitFor();
    errReader.join();
    return new Run(code, new String(streams[0], StandardCharsets.UTF_8), new String(streams[1], StandardCharsets.UTF_8));
  }

  /** Runs and requires exit code 0; returns stdout. */
  public static String run(String... cmd) throws IOException, InterruptedException {
    Run r = exec(cmd);
    assertEquals(0, r.code(), () -> String.join(" ", cmd) + " failed:\n" + r.out() + r.err());
    return r.out();
  }

  public static List<String> cmd(Object... parts) {
    List<String> out = new ArrayList<>();
    for (Object o : parts) {
      out.add(String.valueOf(o));
    }
    return out;
  }

  public static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 20];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Allocated bytes of a file as {@code du} counts them (stat %b * 512). */
  public static long allocatedBytes(Path file) throws IOException, InterruptedException {
    return Long.parseLong(run("stat", "-c", "%b", file.toString()).trim()) * 512;
  }
}

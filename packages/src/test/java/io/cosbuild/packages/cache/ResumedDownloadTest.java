package io.cosbuild.packages.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cosbuild.packages.SignatureException;
import io.cosbuild.packages.lock.LockedPackage;
import io.cosbuild.packages.repo.Repository;
import io.cosbuild.packages.repo.Transport;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code .part} left by an interrupted run whose bytes are wrong (the start of another file, a mirror that changed it
 * since) makes the resumed download fail its signed hash: the file is then fetched again from the start, once, in the
 * same run. A fresh download that fails its hash is refused, naming the package. The mirror is a local HTTP server.
 */
class ResumedDownloadTest {

  private static final String FILENAME = "pool/main/h/hello/hello_1.0_amd64.deb";

  @TempDir Path tmp;
  private HttpServer server;
  private URI base;
  /** What the mirror serves, and whether it honours a Range request (206) or sends the whole file (200). */
  private volatile byte[] served;
  private volatile boolean honoursRange = true;
  /** The Range header of each request (null: none). */
  private final List<String> ranges = Collections.synchronizedList(new ArrayList<>());

  private final byte[] good = content("the package as the signed index describes it");
  private final LockedPackage pkg = new LockedPackage("hello", "1.0", "amd64", "bookworm", FILENAME, good.length,
      HexFormat.of().formatHex(ContentStore.sha256().digest(good)));

  @BeforeEach
  void mirror() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::serve);
    server.start();
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void serve(HttpExchange exchange) throws IOException {
    String range = exchange.getRequestHeaders().getFirst("Range");
    ranges.add(range);
    byte[] body = served;
    int code = 200;
    if (range != null && honoursRange) {
      int from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
      body = Arrays.copyOfRange(body, from, body.length);
      code = 206;
      exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (served.length - 1) + "/" + served.length);
    }
    exchange.sendResponseHeaders(code, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** 200 KiB of text: large enough to be sent in several reads. */
  private static byte[] content(String line) {
    return (line + "\n").repeat(200 * 1024 / (line.length() + 1)).getBytes(StandardCharsets.US_ASCII);
  }

  private Path fetch(DownloadCache cache) throws Exception {
    Repository repo = new Repository(base, List.of("bookworm"), List.of("main"), tmp.resolve("unused.gpg"));
    Map<LockedPackage, Path> files = cache.fetch(List.of(pkg), List.of(repo), DownloadCache.Listener.NONE);
    return files.get(pkg);
  }

  /** What an interrupted run left: the first {@code n} bytes of {@code bytes}. */
  private Path leftBehind(byte[] bytes, int n) throws IOException {
    Path part = Files.createDirectories(tmp.resolve("cache/partial")).resolve(pkg.sha256() + ".part");
    return Files.write(part, Arrays.copyOf(bytes, n));
  }

  @Test
  void aResumedDownloadThatFailsItsHashIsFetchedAgainFromTheStart() throws Exception {
    served = good;
    Path part = leftBehind(content("an older build of the package, cut off by ^C"), good.length / 2);
    DownloadCache cache = new DownloadCache(tmp.resolve("cache"), new Transport(), 1);
    Path file = fetch(cache);
    assertArrayEquals(good, Files.readAllBytes(file));
    assertEquals(Arrays.asList("bytes=" + good.length / 2 + "-", null), ranges, "resumed, then once from the start");
    assertEquals(good.length - good.length / 2 + good.length, cache.stats().bytesTransferred());
    assertTrue(Files.notExists(part));
  }

  @Test
  void aResumedDownloadThatStillFailsFromTheStartIsRefusedNamingThePackage() throws Exception {
    served = content("a tampered package");
    leftBehind(served, served.length / 3);
    DownloadCache cache = new DownloadCache(tmp.resolve("cache"), new Transport(), 1);
    SignatureException e = assertThrows(SignatureException.class, () -> fetch(cache));
    assertTrue(e.file().startsWith(pkg.debName()), e.file());
    assertTrue(e.getMessage().contains("does not match the signed index"), e.getMessage());
    assertEquals(Arrays.asList("bytes=" + served.length / 3 + "-", null), ranges, "restarted once, not again");
    assertTrue(Files.notExists(new ContentStore(tmp.resolve("cache")).path(pkg.sha256())));
  }

  @Test
  void aFreshDownloadThatFailsItsHashIsRefusedNamingThePackage() throws Exception {
    served = content("a tampered package");
    DownloadCache cache = new DownloadCache(tmp.resolve("cache"), new Transport(), 1);
    SignatureException e = assertThrows(SignatureException.class, () -> fetch(cache));
    assertTrue(e.file().startsWith(pkg.debName()), e.file());
    assertEquals(Collections.singletonList(null), ranges, "a fresh download is not tried again");
  }

  @Test
  void aPartTheMirrorIgnoredTheRangeOfIsAFreshDownload() throws Exception {
    served = content("a tampered package");
    honoursRange = false;
    leftBehind(good, good.length / 2);
    DownloadCache cache = new DownloadCache(tmp.resolve("cache"), new Transport(), 1);
    assertThrows(SignatureException.class, () -> fetch(cache));
    assertEquals(List.of("bytes=" + good.length / 2 + "-"), ranges,
        "the mirror sent the whole file: nothing of the earlier run was kept, so nothing to start again for");
  }
}

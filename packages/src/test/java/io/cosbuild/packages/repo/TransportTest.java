package io.cosbuild.packages.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.cosbuild.packages.RepositoryException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A mirror that sends without end (broken, or someone in the path of plain http) fills neither disk nor heap. */
class TransportTest {

  @TempDir Path tmp;
  private HttpServer server;
  private URI base;

  @BeforeEach
  void endlessServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      exchange.sendResponseHeaders(200, 0); // chunked: no length announced
      byte[] chunk = new byte[1 << 16];
      try (OutputStream out = exchange.getResponseBody()) {
        for (long sent = 0; sent < (1L << 30); sent += chunk.length) { // a GiB, as good as endless here
          out.write(chunk);
        }
      } catch (IOException clientWentAway) {
        // the transport stopped reading: what the test wants
      }
    });
    server.start();
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void aDownloadStopsAtItsSignedSizeAndIsDiscarded() {
    Path part = tmp.resolve("x.part");
    RepositoryException e = assertThrows(RepositoryException.class,
        () -> new Transport().download(base.resolve("pool/big.deb"), part, Transport.Progress.NONE, 6_000_000));
    assertTrue(e.getMessage().contains("more than the 6000000 bytes the signed index gives"), e.getMessage());
    assertFalse(Files.exists(part), "nothing left to resume from");
  }

  /** The JDK's client throws these without a message; the user still learns what happened. */
  @Test
  void aRefusedConnectionAndAnUnknownHostAreSaidInWords() throws Exception {
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    RepositoryException e = assertThrows(RepositoryException.class,
        () -> new Transport().getSmall(URI.create("http://127.0.0.1:" + closed + "/dists/x/InRelease"), null, null));
    assertTrue(e.getMessage().contains("/dists/x/InRelease: cannot connect (refused or unreachable); check the network"),
        e.getMessage());
    IOException unresolved = new java.net.ConnectException();
    unresolved.initCause(new java.net.ConnectException().initCause(new java.nio.channels.UnresolvedAddressException()));
    assertEquals("the host name does not resolve", Transport.why(unresolved));
  }

  @Test
  void aReleaseFileHasACeiling() {
    RepositoryException e = assertThrows(RepositoryException.class,
        () -> new Transport().getSmall(base.resolve("dists/bookworm/InRelease"), null, null));
    assertTrue(e.getMessage().contains("more than " + Transport.MAX_SMALL + " bytes"), e.getMessage());
  }
}

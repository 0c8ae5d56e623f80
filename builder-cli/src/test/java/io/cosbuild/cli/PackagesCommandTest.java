package io.cosbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.cli.build.ImageLock;
import io.cosbuild.packages.lock.LockFile;
import io.cosbuild.packages.lock.LockedPackage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Options the profile decides are refused with --profile, before any repository is asked; bad inputs (mirror URL,
 * lock file, keyring, cache directory) are usage errors (exit 2) naming the option or file. The mirror is a closed
 * local port: every refusal here comes before any request.
 */
class PackagesCommandTest {

  @BeforeAll
  static void shippedProfiles() {
    System.setProperty("cosbuild.home", Path.of("..").toAbsolutePath().normalize().toString());
  }

  @Test
  void profileDecidedOptionsAreRefusedNamingThem() {
    MainTest.Result r = MainTest.run("packages", "resolve", "--profile", "minimal", "--deny", "busybox-static", "--essential",
        "--keyring", "/nonexistent.gpg", "--mirror", "http://127.0.0.1:9/");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith("cosbuild packages resolve: --deny, --essential, --keyring do not combine with --profile"),
        r.err());
    for (String o : new String[] {"--exclude=x", "--with-recommends", "--release=trixie"}) {
      r = MainTest.run("packages", "resolve", "--profile", "minimal", o, "--mirror", "http://127.0.0.1:9/");
      assertEquals(2, r.code(), o + ": " + r.err());
      assertTrue(r.err().contains(o.replaceAll("=.*", "") + " does not combine with --profile"), r.err());
    }
  }

  private static final String NO_SERVER = "http://127.0.0.1:9/";

  private static void assertUsageError(MainTest.Result r, String... named) {
    assertEquals(2, r.code(), r.err());
    for (String n : named) {
      assertTrue(r.err().contains(n), n + " not named in: " + r.err());
    }
  }

  @Test
  void aMirrorThatIsNotAnHttpOrFileUrlIsAUsageError() {
    for (String m : new String[] {"not a url", "ftp://mirror.invalid/debian", "http:debian", "debian/mirror", "http:///debian"}) {
      assertUsageError(MainTest.run("packages", "resolve", "--include", "bash", "--mirror", m), "--mirror", "'" + m + "'");
      assertUsageError(MainTest.run("packages", "fetch", "--lock", "cosbuild.lock", "--mirror", m), "--mirror", "'" + m + "'");
    }
  }

  @Test
  void aLockThatIsMissingOrNotALockIsAUsageError(@TempDir Path dir) throws IOException {
    Path missing = dir.resolve("missing.lock");
    assertUsageError(MainTest.run("packages", "fetch", "--lock", missing.toString(), "--mirror", NO_SERVER),
        missing + ": cannot read lock file: no such file");
    Path notALock = Files.writeString(dir.resolve("profile.yaml"), "name: x\n");
    assertUsageError(MainTest.run("packages", "fetch", "--lock", notALock.toString(), "--mirror", NO_SERVER),
        notALock + ": not a valid cosbuild lock file");
    Path otherVersion = Files.writeString(dir.resolve("v9.lock"), "{\"lockVersion\": 9}\n");
    assertUsageError(MainTest.run("packages", "fetch", "--lock", otherVersion.toString(), "--mirror", NO_SERVER),
        otherVersion + ": not a valid cosbuild lock file");
    assertUsageError(MainTest.run("packages", "fetch", "--lock", dir.toString(), "--mirror", NO_SERVER),
        dir + ": cannot read lock file");
  }

  /** An image's cosbuild.lock, the lock users have at hand, fetches both its sets: root and boot. */
  @Test
  void anImageLockFetchesItsRootAndBootSets(@TempDir Path dir) throws Exception {
    Path mirror = Files.createDirectories(dir.resolve("mirror/pool/main"));
    List<LockFile> sets = new ArrayList<>();
    for (String name : new String[] {"rootpkg", "bootpkg"}) {
      byte[] deb = ("not really a deb: " + name).getBytes(StandardCharsets.UTF_8);
      Files.write(mirror.resolve(name + "_1_amd64.deb"), deb);
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(deb));
      sets.add(new LockFile(LockFile.VERSION, "r", "amd64", new LockFile.KeyringInfo("k", List.of()), List.of(),
          List.of(new LockedPackage(name, "1", "amd64", "bookworm", "pool/main/" + name + "_1_amd64.deb", deb.length, sha))));
    }
    Path lock = dir.resolve("cosbuild.lock");
    new ImageLock(ImageLock.VERSION, "p", "x86_64", sets.get(0), sets.get(1)).write(lock);
    MainTest.Result r = MainTest.run("packages", "fetch", "--lock", lock.toString(), "--mirror",
        dir.resolve("mirror").toUri().toString(), "--cache-dir", dir.resolve("cache").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("2 packages verified"), r.out());
    assertTrue(r.err().contains("rootpkg 1 (downloaded)") && r.err().contains("bootpkg 1 (downloaded)"), r.err());
  }

  @Test
  void aKeyringThatIsMissingOrNotAKeyringIsAUsageError(@TempDir Path dir) throws IOException {
    Path missing = dir.resolve("missing.gpg");
    assertUsageError(MainTest.run("packages", "resolve", "--include", "bash", "--keyring", missing.toString(), "--mirror", NO_SERVER),
        missing + ": keyring not found");
    Path garbage = Files.writeString(dir.resolve("garbage.gpg"), "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n%%%\n");
    assertUsageError(MainTest.run("packages", "resolve", "--include", "bash", "--keyring", garbage.toString(), "--mirror", NO_SERVER),
        garbage + ": not an OpenPGP keyring");
    Path empty = Files.writeString(dir.resolve("empty.gpg"), "");
    assertUsageError(MainTest.run("packages", "resolve", "--include", "bash", "--keyring", empty.toString(), "--mirror", NO_SERVER),
        empty + ": keyring holds no public keys");
    assertUsageError(MainTest.run("packages", "resolve", "--include", "bash", "--keyring", dir.toString(), "--mirror", NO_SERVER),
        dir + ": cannot read the keyring");
  }

  @Test
  void aProfileKeyringThatIsMissingIsAUsageError(@TempDir Path dir) throws IOException {
    Path missing = dir.resolve("missing.gpg");
    Path profile = Files.writeString(dir.resolve("p.yaml"), """
        extends: minimal
        repositories!:
          - uri: apt-sources
            suites: [bookworm]
            components: [main]
            keyring: %s
        """.formatted(missing));
    assertUsageError(MainTest.run("packages", "resolve", "--profile", profile.toString(), "--mirror", NO_SERVER),
        missing + ": keyring not found");
  }

  @Test
  void aCacheDirThatIsAFileIsAUsageError(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("cache"), "");
    assertUsageError(MainTest.run("packages", "fetch", "--lock", "cosbuild.lock", "--cache-dir", file.toString()),
        "--cache-dir " + file);
    assertUsageError(MainTest.run("packages", "resolve", "--include", "bash", "--cache-dir", file.toString(), "--mirror", NO_SERVER),
        "--cache-dir " + file);
  }
}

package io.cosbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

  record Result(int code, String out, String err) {}

  @BeforeAll
  static void shippedProfiles() {
    System.setProperty("cosbuild.home", Path.of("..").toAbsolutePath().normalize().toString());
  }

  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void helpListsEveryContractCommand() {
    Result r = run("--help");
    assertEquals(0, r.code());
    for (String c : new String[] {"image", "profile", "packages", "fs", "verity", "disk", "verify", "boot"}) {
      assertTrue(r.out().contains("  " + c + " "), c + " missing from:\n" + r.out());
    }
  }

  /** A profile's missing keyring is the user's input (exit 2, named), as it is for the packages commands. */
  @Test
  void imageWithAMissingKeyringIsAnInputError(@TempDir Path dir) throws Exception {
    Path keyring = dir.resolve("no-such-keyring.gpg");
    Files.writeString(dir.resolve("badkey.yaml"), String.join("\n",
        "extends: minimal",
        "repositories!:",
        "  - uri: http://127.0.0.1:9/debian",
        "    suites: [bookworm]",
        "    components: [main]",
        "    keyring: " + keyring,
        ""));
    Result r = run("image", "--profile-path", dir.toString(), "--profile", "badkey", "--arch", "x86_64",
        "--out", dir.resolve("out").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(keyring + ": keyring not found"), r.err());
  }

  /** With --json, stdout is one JSON document also when the command fails, whatever kind of failure it is. */
  @Test
  void jsonCommandsPrintJsonOnStdoutWhenTheyFail(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("missing");
    String[][] cases = {
        {"verify", "--json", missing.toString()},
        {"disk", "inspect", "--json", missing.toString()},
        {"image", "--json", "--profile", "no-such-profile", "--out", dir.resolve("out").toString()},
        {"profile", "show", "--json", "no-such-profile"},
        {"verify", "--json", "--no-such-option", missing.toString()},
        // packages resolve reports its own refusals, and the packages layer's input errors
        {"packages", "resolve", "--json", "--profile", "minimal", "--deny", "perl"},
        {"packages", "resolve", "--json", "--write-lock", dir.toString(), "--include", "hello"},
        {"packages", "resolve", "--json", "--mirror", "http://127.0.0.1:9/debian", "--keyring", missing.toString(), "--include", "hello"},
    };
    for (String[] args : cases) {
      Result r = run(args);
      assertEquals(2, r.code(), String.join(" ", args) + "\n" + r.out() + r.err());
      JsonNode doc = Json.mapper().readTree(r.out());
      assertEquals(false, doc.get("ok").asBoolean(true), r.out());
      assertEquals(2, doc.get("exitCode").asInt(), r.out());
      assertTrue(r.err().contains(doc.get("error").asText()), "the same message on stderr:\n" + r.err() + "\n" + r.out());
    }
  }

  @Test
  void versionAndCompletion() {
    Result v = run("--version");
    assertEquals(0, v.code());
    assertTrue(v.out().startsWith("cosbuild "), v.out());
    Result c = run("generate-completion");
    assertEquals(0, c.code());
    assertTrue(c.out().contains("complete -F"), "bash completion script expected");
  }

  @Test
  void unknownCommandIsAUsageError() {
    Result r = run("imgae");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("Did you mean: cosbuild image"), r.err());
  }

  @Test
  void commandGroupsListEverySubcommandAndSuggestOnATypo() {
    String[][] groups = {{"profile", "show", "validate", "list"}, {"packages", "resolve", "fetch"},
        {"fs", "squashfs", "ext4"}, {"verity", "format", "verify"}};
    for (String[] g : groups) {
      Result help = run(g[0], "--help");
      assertEquals(0, help.code(), help.err());
      for (int i = 1; i < g.length; i++) {
        assertTrue(help.out().contains("  " + g[i] + " "), g[i] + " missing from:\n" + help.out());
        Result sub = run(g[0], g[i], "--help");
        assertEquals(0, sub.code(), sub.err());
        assertTrue(sub.out().startsWith("Usage: cosbuild " + g[0] + " " + g[i] + " "), sub.out());
      }
      Result typo = run(g[0], g[1] + "x");
      assertEquals(2, typo.code());
      assertTrue(typo.err().contains("Did you mean: " + g[0] + " " + g[1]), typo.err());
    }
  }

  @Test
  void aFailingSubcommandNamesItselfOnce(@TempDir Path dir) {
    Result r = run("verity", "format", dir.resolve("missing").toString(), dir.resolve("h").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("cosbuild verity format: " + dir.resolve("missing") + ": no such file"), r.err());
    r = run("fs", "squashfs", dir.resolve("missing").toString(), dir.resolve("o").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("cosbuild fs squashfs: "), r.err());
  }

  @Test
  void aLockFileIsNotRenamedOverADeviceOrPipe(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    Result r = run("packages", "resolve", "--write-lock", fifo.toString(), "--include", "busybox");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith("cosbuild packages resolve: " + fifo + " is not a regular file"), r.err());
    assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo), "the pipe was replaced");
  }

  @Test
  void shippedProfilesValidateAndShowAsJson() throws Exception {
    Result v = run("profile", "validate");
    assertEquals(0, v.code(), v.err());
    assertTrue(v.out().contains("ok      gke"), v.out());
    Result s = run("profile", "show", "gke", "--json");
    assertEquals(0, s.code(), s.err());
    JsonNode gke = Json.mapper().readTree(s.out());
    assertEquals("gke", gke.get("name").asText());
    assertTrue(gke.get("packages").get("include").toString().contains("containerd"));
    assertEquals("zstd", gke.get("rootfs").get("compression").asText(), "inherited from base");
    Result y = run("profile", "show", "minimal");
    assertEquals(0, y.code(), y.err());
    assertTrue(y.out().contains("name: minimal"), y.out());
  }

  @Test
  void invalidProfileFileExitsTwoWithItsLocation(@TempDir Path dir) throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.yaml"), "extends: base\nrootfs:\n  type: zfs\n");
    Result r = run("profile", "validate", bad.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains(bad + ":3:9: rootfs.type: 'zfs' is not one of squashfs, ext4"), r.err());
    Result show = run("profile", "show", bad.toString());
    assertEquals(2, show.code());
    assertTrue(show.err().startsWith("cosbuild: the profile has errors:"), show.err());
  }
}

package io.cosbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code cosbuild} launcher script and its class-data archive, run on a copy of the checkout's
 * launcher and the packaged jar (no profiles beside them, so one of the launcher's training commands
 * fails, which must not matter): the archive is made once, then used (picocli comes from it), and a
 * stale, broken or disabled archive never changes what a command does.
 */
class LauncherIT {

  @TempDir Path home;
  Path jar;

  record Run(int exit, String out, String err) {}

  @BeforeEach
  void copyLauncherAndJar() throws IOException {
    // The launcher names the archive after the JDK's release file; a JDK without one gets none.
    Assumptions.assumeTrue(Files.exists(Path.of(System.getProperty("java.home"), "release")),
        "this JDK has no release file");
    Path checkout = Path.of("..").toAbsolutePath().normalize();
    Files.copy(checkout.resolve("cosbuild"), home.resolve("cosbuild"));
    jar = home.resolve("builder-cli/target/cosbuild.jar");
    Files.createDirectories(jar.getParent());
    Files.copy(checkout.resolve("builder-cli/target/cosbuild.jar"), jar);
  }

  Run cosbuild(Map<String, String> env, String... args) throws Exception {
    return cosbuildWithInput(Path.of("/dev/null"), env, args);
  }

  Run cosbuildWithInput(Path stdin, Map<String, String> env, String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Stream.concat(Stream.of(home.resolve("cosbuild").toString()),
        Stream.of(args)).toList());
    pb.environment().remove("COSBUILD_JAVA_OPTS");
    pb.environment().remove("COSBUILD_CDS");
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(stdin.toFile()));
    Path out = home.resolve("out.txt");
    Path err = home.resolve("err.txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "launcher did not finish");
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  List<Path> archives() throws IOException {
    try (Stream<Path> s = Files.list(jar.getParent())) {
      return s.filter(f -> f.getFileName().toString().endsWith(".jsa")).toList();
    }
  }

  static final Map<String, String> LOG_CLASS_LOADING = Map.of("COSBUILD_JAVA_OPTS", "-Xlog:class+load=info");

  @Test
  void archiveIsMadeOnceAndPicocliIsLoadedFromIt() throws Exception {
    Run first = cosbuild(Map.of(), "--version");
    assertEquals(0, first.exit(), first.err());
    assertTrue(first.out().startsWith("cosbuild "), first.out());
    assertTrue(first.err().contains("preparing the start-up archive"), first.err());
    assertEquals(1, archives().size(), "one archive for this JDK: " + archives());

    Run second = cosbuild(LOG_CLASS_LOADING, "--version");
    assertEquals(0, second.exit(), second.err());
    assertFalse(second.err().contains("preparing"), "made again: " + second.err());
    assertTrue(second.out().contains("picocli.CommandLine source: shared objects file"),
        "picocli not loaded from the archive");
    assertTrue(second.out().contains("io.cosbuild.cli.Main source: shared objects file"),
        "cosbuild's classes not loaded from the archive");
    // A lambda of one of picocli's (Java 5) interfaces would keep the interface and its implementors
    // out of the archive.
    assertTrue(second.out().contains("io.cosbuild.cli.ErrorHandler source: shared objects file"),
        "the error handler not loaded from the archive");
    assertFalse(second.out().matches("(?s).*io\\.cosbuild\\.cli\\.\\S+ source: file:.*"),
        "cosbuild classes loaded from the jar:\n" + second.out().lines()
            .filter(l -> l.contains("io.cosbuild.cli.") && l.contains("source: file:")).toList());
  }

  @Test
  void verityAndFsCommandsHaveArchivesOfTheirOwn() throws Exception {
    assertEquals(0, cosbuild(Map.of(), "--version").exit());
    Path data = Files.write(home.resolve("data.img"), new byte[8192]);
    Run verity = cosbuild(LOG_CLASS_LOADING, "verity", "format", data.toString(), home.resolve("data.hash").toString());
    assertEquals(0, verity.exit(), verity.err());
    assertTrue(verity.err().contains("preparing the start-up archive of verity commands"), verity.err());
    assertTrue(verity.out().contains("io.cosbuild.verity.LevelHasher source: shared objects file"),
        "the hashing core not loaded from the archive");
    assertEquals(2, archives().size(), "other and verity: " + archives());

    Run again = cosbuild(Map.of(), "verity", "verify", data.toString(), home.resolve("data.hash").toString(),
        "0".repeat(64));
    assertEquals(1, again.exit(), again.err());
    assertFalse(again.err().contains("preparing"), "made again: " + again.err());

    Path tree = Files.createDirectories(home.resolve("tree/etc"));
    Files.writeString(tree.resolve("hostname"), "cosbuild\n");
    Run fs = cosbuild(LOG_CLASS_LOADING, "fs", "squashfs", tree.getParent().toString(), home.resolve("x.sqfs").toString());
    assertEquals(0, fs.exit(), fs.err());
    assertTrue(fs.err().contains("preparing the start-up archive of fs commands"), fs.err());
    assertTrue(fs.out().contains("io.cosbuild.rootfs.squashfs.SquashfsWriter source: shared objects file"),
        "the squashfs writer not loaded from the archive");
    assertEquals(3, archives().size(), "other, verity and fs: " + archives());
    assertFalse(cosbuild(Map.of(), "--version").err().contains("preparing"));
  }

  /**
   * {@code tar c | cosbuild fs squashfs - OUT}: the archive on standard input reaches the command whole, also
   * on the first run, when the launcher first makes the start-up archive by running fs commands itself.
   */
  @Test
  void aTarOnStandardInputReachesTheCommandPastTheArchiveTraining() throws Exception {
    Path src = Files.createDirectories(home.resolve("src/etc"));
    Files.writeString(src.resolve("hostname"), "node\n");
    Path tgz = home.resolve("in.tar.gz");
    Process tar = new ProcessBuilder("tar", "--owner=0", "--group=0", "-czf", tgz.toString(), "-C",
        home.resolve("src").toString(), ".").inheritIO().start();
    assertEquals(0, tar.waitFor());
    Path img = home.resolve("out.sqfs");
    Run r = cosbuildWithInput(tgz, Map.of(), "fs", "squashfs", "-", img.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.err().contains("preparing the start-up archive of fs commands"), r.err());
    assertTrue(r.err().contains("Reading standard input: 2 entries"), r.err());
    Process cat = new ProcessBuilder("unsquashfs", "-cat", img.toString(), "etc/hostname").start();
    assertEquals("node\n", new String(cat.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    assertEquals(0, cat.waitFor());
  }

  @Test
  void aNewerJarGetsANewArchive() throws Exception {
    assertEquals(0, cosbuild(Map.of(), "--version").exit());
    Path archive = archives().get(0);
    Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(archive).toMillis() + 10_000));
    Run run = cosbuild(LOG_CLASS_LOADING, "--version");
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.err().contains("preparing the start-up archive"), run.err());
    assertTrue(run.out().contains("picocli.CommandLine source: shared objects file"));
  }

  @Test
  void aBrokenArchiveIsIgnoredAndTheCommandStillWorks() throws Exception {
    assertEquals(0, cosbuild(Map.of(), "--version").exit());
    Path archive = archives().get(0);
    archive.toFile().setWritable(true);
    Files.write(archive, "not an archive".getBytes(StandardCharsets.UTF_8));
    Run run = cosbuild(LOG_CLASS_LOADING, "--version");
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains("cosbuild "), run.out());
    assertTrue(run.out().contains("picocli.CommandLine source: file:"), "picocli comes from the jar");
    assertEquals("", run.err());
  }

  @Test
  void cdsOffMakesNoArchive() throws Exception {
    Run run = cosbuild(Map.of("COSBUILD_CDS", "off"), "--version");
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().startsWith("cosbuild "), run.out());
    assertEquals("", run.err());
    assertEquals(List.of(), archives());
  }

  static final Map<String, String> PRINT_FLAGS = Map.of("COSBUILD_CDS", "off", "COSBUILD_JAVA_OPTS", "-XX:+PrintCommandLineFlags");
  static final String SKIP_FALLBACK = "-XX:CompileCommand=exclude,sun.security.provider.SHA2::implCompress0";

  /** What the JVM on the PATH says about its SHA-256 intrinsic on this CPU. */
  static boolean jvmHasSha256Intrinsic() throws Exception {
    Process p = new ProcessBuilder("java", "-XX:+UnlockDiagnosticVMOptions", "-XX:+PrintFlagsFinal", "-version")
        .redirectErrorStream(true).start();
    String flags = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor());
    assertTrue(flags.contains("UseSHA256Intrinsics"), "the JVM does not report UseSHA256Intrinsics");
    return flags.matches("(?s).*UseSHA256Intrinsics\\s+=\\s+true.*");
  }

  Path sha256Probe() throws IOException {
    try (Stream<Path> s = Files.list(jar.getParent())) {
      List<Path> found = s.filter(f -> f.getFileName().toString().endsWith(".sha256")).toList();
      assertEquals(1, found.size(), "one SHA-256 probe file: " + found);
      return found.get(0);
    }
  }

  @Test
  void theJavaSha256FallbackIsLeftUncompiledOnlyWhereTheJvmHasTheIntrinsic() throws Exception {
    boolean intrinsic = jvmHasSha256Intrinsic();
    Run run = cosbuild(PRINT_FLAGS, "--version");
    assertEquals(0, run.exit(), run.err());
    List<String> probe = Files.readAllLines(sha256Probe());
    assertEquals(String.valueOf(intrinsic), probe.get(1), "the launcher recorded another answer than the JVM's");
    assertEquals(intrinsic, run.out().contains(SKIP_FALLBACK), run.out());

    // A JVM without the intrinsic (as recorded for this CPU): the fallback must be compiled as usual.
    Files.write(sha256Probe(), List.of(probe.get(0), "false"));
    run = cosbuild(PRINT_FLAGS, "--version");
    assertEquals(0, run.exit(), run.err());
    assertFalse(run.out().contains("implCompress0"), run.out());

    // An answer recorded for another CPU is not used: the JVM is asked again.
    Files.write(sha256Probe(), List.of("cpu: another;opts:-XX:+PrintCommandLineFlags;;", "false"));
    run = cosbuild(PRINT_FLAGS, "--version");
    assertEquals(0, run.exit(), run.err());
    List<String> lines = Files.readAllLines(sha256Probe());
    assertEquals(List.of(probe.get(0), String.valueOf(intrinsic)), lines.subList(lines.size() - 2, lines.size()));
    assertEquals(intrinsic, run.out().contains(SKIP_FALLBACK), run.out());

    // Options that take C2 away take the intrinsic with it: the fallback is then compiled by C1.
    run = cosbuild(Map.of("COSBUILD_CDS", "off", "COSBUILD_JAVA_OPTS", "-XX:+PrintCommandLineFlags -XX:TieredStopAtLevel=1"),
        "--version");
    assertEquals(0, run.exit(), run.err());
    assertFalse(run.out().contains("implCompress0"), run.out());
    lines = Files.readAllLines(sha256Probe());
    assertEquals("false", lines.get(lines.size() - 1), "C1 only was recorded as having the intrinsic");
  }

  /**
   * A caller in the C locale (cron, CI, env -i): the launcher runs java in a UTF-8 locale, so a UTF-8
   * name reaches the image byte for byte (unsquashfs lists it); java run directly in the C locale
   * refuses it, naming the path and the locale, rather than storing U+FFFD.
   */
  @Test
  void aCallerInTheCLocaleStillGetsUtf8Names() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(Path.of("/usr/lib/locale/C.utf8")), "SKIPPED: no C.UTF-8 locale");
    Path tree = Files.createDirectories(home.resolve("tree"));
    Process mk = new ProcessBuilder("sh", "-c", "printf x > \"$(printf 'caf\\303\\251')\"").directory(tree.toFile())
        .start();
    assertEquals(0, mk.waitFor());
    Map<String, String> cLocale = Map.of("COSBUILD_CDS", "off", "LC_ALL", "C", "LANG", "C", "LC_CTYPE", "C");
    Path img = home.resolve("x.sqfs");
    Run run = cosbuild(cLocale, "fs", "squashfs", tree.toString(), img.toString());
    assertEquals(0, run.exit(), run.err());
    Process ls = new ProcessBuilder("unsquashfs", "-ls", "-d", "", img.toString()).start();
    byte[] listing = ls.getInputStream().readAllBytes();
    assertEquals(0, ls.waitFor());
    assertTrue(new String(listing, StandardCharsets.ISO_8859_1).contains("/caf\u00c3\u00a9\n"),
        new String(listing, StandardCharsets.ISO_8859_1));

    ProcessBuilder direct = new ProcessBuilder("java", "-jar", jar.toString(), "fs", "squashfs", tree.toString(),
        home.resolve("y.sqfs").toString()).redirectErrorStream(true);
    direct.environment().putAll(cLocale);
    Process p = direct.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(2, p.waitFor(), out);
    assertTrue(out.contains(tree + "/caf") && out.contains("the locale is not UTF-8"), out);
  }
}

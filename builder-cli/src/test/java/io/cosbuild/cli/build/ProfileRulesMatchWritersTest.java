package io.cosbuild.cli.build;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.disk.DiskImageException;
import io.cosbuild.disk.layout.PartitionContent;
import io.cosbuild.rootfs.initramfs.BootPlan;
import io.cosbuild.rootfs.squashfs.Compression;
import io.cosbuild.rootfs.squashfs.SquashfsOptions;
import io.cosbuild.rootfs.squashfs.XzFilter;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.spec.LoadedProfile;
import io.cosbuild.spec.ProfileException;
import io.cosbuild.spec.ProfileLoader;
import io.cosbuild.spec.model.DiskSpec;
import io.cosbuild.spec.model.MountLayout;
import io.cosbuild.spec.model.VeritySpec;
import io.cosbuild.verity.VerityParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * image-spec cannot see the writers, so its validation keeps its own copy of their limits: here the copy
 * meets the original, so that a profile validation accepts is never one the build then refuses, nor the
 * other way round. Each test gives both sides the same values, around the edges of the rule, and wants
 * the same verdict.
 */
class ProfileRulesMatchWritersTest {

  private static final long MIB = 1 << 20;

  @TempDir Path dir;

  private LoadedProfile load(String yaml) throws Exception {
    Files.writeString(dir.resolve("p.yaml"), "packages:\n  include: [busybox]\n" + yaml);
    return new ProfileLoader(List.of(dir)).load("p");
  }

  /** Whether profile validation accepts {@code yaml}; an error other than a refusal fails the test. */
  private boolean accepts(String yaml) throws Exception {
    try {
      load(yaml);
      return true;
    } catch (ProfileException e) {
      return false;
    }
  }

  @Test
  void everyCompressorsLevelRangeIsTheWritersOwn() {
    for (Compression c : Compression.values()) {
      String head = "rootfs:\n  compression: " + c.cliName() + "\n  compression-level: ";
      assertDoesNotThrow(() -> load(head + c.minLevel() + "\n"), c + " at its lowest level");
      assertDoesNotThrow(() -> load(head + c.maxLevel() + "\n"), c + " at its highest level");
      assertThrows(ProfileException.class, () -> load(head + (c.minLevel() - 1) + "\n"), c + " below its range");
      assertThrows(ProfileException.class, () -> load(head + (c.maxLevel() + 1) + "\n"), c + " above its range");
    }
  }

  /** Validation takes exactly the xz filters the writer has, and them only for xz, as the writer does. */
  @Test
  void everyXzFilterVerdictIsTheWritersOwn() throws Exception {
    for (String f : List.of("x86", "arm64", "arm", "armthumb", "powerpc", "sparc", "ia64", "riscv", "X86")) {
      boolean writer;
      try {
        XzFilter.parse(f);
        writer = true;
      } catch (IllegalArgumentException e) {
        writer = false;
      }
      assertEquals(writer, accepts("rootfs:\n  compression: xz\n  xz-bcj: [" + f + "]\n"), f);
    }
    assertEquals(XzFilter.values().length, XzFilter.parseList("x86,arm64,arm,armthumb,powerpc,sparc").size());
    assertThrows(IllegalArgumentException.class, () -> new SquashfsOptions(Compression.ZSTD, 15, 131072,
        OptionalLong.empty(), 1, false, true, Set.of(XzFilter.X86)));
    assertFalse(accepts("rootfs:\n  compression: zstd\n  xz-bcj: [x86]\n"));
  }

  /** The squashfs block sizes validation accepts are exactly the ones the writer takes. */
  @Test
  void everySquashfsBlockSizeVerdictIsTheWritersOwn() throws Exception {
    for (long b : new long[] {512, 2048, 4095, 4096, 6144, 8192, 65536, 131072, 196608, 1 << 20, (1 << 20) + 4096, 1 << 21}) {
      boolean writer;
      try {
        new SquashfsOptions(Compression.ZSTD, 15, (int) b, OptionalLong.empty(), 1, false, true);
        writer = true;
      } catch (IllegalArgumentException e) {
        writer = false;
      }
      assertEquals(writer, accepts("rootfs:\n  type: squashfs\n  block-size: " + b + "\n"), "block size " + b);
    }
  }

  /**
   * Verity block sizes: validation takes fewer than the tree's code (only up to the kernel's 4 KiB pages, see
   * ProfileSchema.VERITY_BLOCK), never one the tree and the kernel command line would refuse.
   */
  @Test
  void everyVerityBlockSizeValidationAcceptsIsOneTheTreeTakes() throws Exception {
    int accepted = 0;
    for (long b : new long[] {256, 511, 512, 1024, 1536, 2048, 4096, 8192, 65536, 131072}) {
      if (!accepts("verity:\n  data-block-size: " + b + "\n  hash-block-size: " + b + "\n")) {
        continue;
      }
      accepted++;
      int size = (int) b;
      assertDoesNotThrow(() -> VerityParams.of(1, new byte[0], new java.util.UUID(0, 1)).withBlockSizes(size, size), "tree, " + b);
      assertDoesNotThrow(() -> new io.cosbuild.rootfs.initramfs.KernelCommandLine.Verity("ROOT-A", "VERITY-A", "sha256", size, size,
          1, 1, "00".repeat(32), ""), "kernel command line, " + b);
    }
    assertEquals(4, accepted, "512, 1024, 2048 and 4096");
  }

  /**
   * Paths around the edges of the init's rules (BootPlan: its alphabet, normalised paths, /run, STATE's own mount;
   * MountLayout: no symlink into /var) and of the profile's absolute-path check.
   */
  private static final List<String> PATHS = List.of("/opt/a.b_c+d@e-f", "/opt/a b", "/opt/x;y", "/opt/$(id)", "/opt/é",
      "/opt/\"x\"", "/opt/./x", "/opt/x/.", "/opt/../x", "/opt/x/..", "opt/x", "/", "/etc", "/run", "/tmp", "/var", "/var/x",
      "/var/lib/containerd", "/home", "/usr/local", BootPlan.STATE_MOUNT, BootPlan.STATE_MOUNT + "/x", "/mnt");

  @Test
  void everyMountLayoutVerdictIsTheInitsOwn() throws Exception {
    MountLayout defaults = load("").profile().filesystem();
    String init = load("").profile().init();
    List<String> verdicts = new ArrayList<>();
    for (String x : PATHS) {
      if (!x.equals("/")) { // a tmpfs / is the profile's own conflict with its read-only /, not a copy of the init's rules
        verdicts.add(sameVerdict("tmpfs", List.of("/run", x), defaults, init));
      }
      verdicts.add(sameVerdict("stateful", List.of(BootPlan.STATE_MOUNT, "/var", x), defaults, init));
      verdicts.add(sameVerdict("noexec", List.of(x), defaults, init));
      verdicts.add(sameVerdict("exec", List.of(x), defaults, init));
      verdicts.add(sameVerdict("var-symlinks", List.of(x), defaults, init));
      verdicts.add(sameVerdict("init", List.of(x), defaults, init));
    }
    verdicts.add(sameVerdict("tmpfs", List.of("/tmp"), defaults, init));
    verdicts.add(sameVerdict("stateful", List.of("/var"), defaults, init));
    assertTrue(verdicts.contains("accepted") && verdicts.contains("refused"), "the cases reach both verdicts: " + verdicts);
  }

  /**
   * Asserts that profile validation and the build (ProfileMapping's layout, the assembler's MountLayout, the
   * initramfs' BootPlan) agree on {@code defaults} with {@code field} set to {@code value}: what validation accepts
   * the build accepts, and what the build accepts validation accepts, but for a list path spelled otherwise than
   * the build would normalise it (validation asks for the normalised spelling).
   *
   * @return "accepted" or "refused"
   */
  private String sameVerdict(String field, List<String> value, MountLayout defaults, String init) throws Exception {
    String flow = value.stream().map(ProfileRulesMatchWritersTest::quoted).collect(Collectors.joining(", ", "[", "]"));
    String yaml = field.equals("init") ? "init: " + quoted(value.get(0)) + "\n" : "filesystem:\n  " + field + "!: " + flow + "\n";
    MountLayout l = defaults;
    MountLayout m = switch (field) {
      case "tmpfs" -> new MountLayout(l.readOnly(), l.etc(), value, l.stateful(), l.varSymlinks(), l.noexec(), l.exec(), l.formatState());
      case "stateful" -> new MountLayout(l.readOnly(), l.etc(), l.tmpfs(), value, l.varSymlinks(), l.noexec(), l.exec(), l.formatState());
      case "noexec" -> new MountLayout(l.readOnly(), l.etc(), l.tmpfs(), l.stateful(), l.varSymlinks(), value, l.exec(), l.formatState());
      case "exec" -> new MountLayout(l.readOnly(), l.etc(), l.tmpfs(), l.stateful(), l.varSymlinks(), l.noexec(), value, l.formatState());
      case "var-symlinks" -> new MountLayout(l.readOnly(), l.etc(), l.tmpfs(), l.stateful(), value, l.noexec(), l.exec(), l.formatState());
      default -> l;
    };
    boolean build;
    try {
      BootPlan.of(ProfileMapping.mountLayout(m), List.of(), "squashfs", BootPlan.CorruptionMode.PANIC, true,
          field.equals("init") ? value.get(0) : init);
      build = true;
    } catch (IllegalArgumentException e) {
      build = false;
    }
    if (accepts(yaml)) {
      assertTrue(build, field + " " + value + ": validation accepts it, the build refuses it");
    } else if (build) {
      // Validation wants a list's paths absolute and normalised, where the build would normalise them itself.
      boolean respelled = !field.equals("init") && value.stream().anyMatch(p -> !FsPath.parse(p).value().equals(p));
      assertTrue(respelled, field + " " + value + ": the build accepts it, validation refuses it");
    }
    return build ? "accepted" : "refused";
  }

  /** A YAML double-quoted scalar (JSON's escapes). */
  private static String quoted(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /**
   * DiskFit's copy of DiskLayout's placement and of the verity tree's size: on the smallest disk DiskStage's
   * partitions fit, validation accepts the profile, and refuses it one sector smaller. The 'auto' verity sizes are
   * taken at roots whose tree just fills whole MiB, or spills one hash block past them, so that a copy off by one
   * hash block either way changes the smallest disk (partitions are rounded up to whole MiB).
   */
  @ParameterizedTest(name = "{0} data {1} hash {2}")
  @CsvSource({"sha256, 4096, 4096", "sha1, 4096, 512", "sha512, 512, 4096", "sha512, 512, 512", "sha256, 1024, 2048"})
  void theSmallestDiskOfAnAutoVeritySizeIsTheLayoutsOwn(String algorithm, int dataBlock, int hashBlock) throws Exception {
    String verity = "verity:\n  algorithm: " + algorithm + "\n  data-block-size: " + dataBlock + "\n  hash-block-size: " + hashBlock + "\n";
    VeritySpec spec = load(verity).profile().verity();
    for (long spill : new long[] {0, hashBlock}) {
      long root = rootWhoseTreeSpills(spec, spill);
      for (long r : new long[] {root, root + dataBlock - 1}) {
        assertSmallestDiskAgrees(verity + "disk:\n  esp-size: 1MiB\n  oem-size: 1MiB\n  state-min-size: 1MiB\n  root-size: " + r + "\n");
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"64MiB, 1GiB, auto, 16MiB, 512MiB", "1048577, 5000000, 12345, 1, 0", "1, 1, 1, 1, 1", "3MiB, 7MiB, 2MiB, 5MiB, 1048577"})
  void theSmallestDiskOfEveryPartitionSizeIsTheLayoutsOwn(String esp, String root, String verity, String oem, String stateMin)
      throws Exception {
    assertSmallestDiskAgrees("disk:\n  esp-size: " + esp + "\n  root-size: " + root + "\n  verity-size: " + verity + "\n  oem-size: "
        + oem + "\n  state-min-size: " + stateMin + "\n");
  }

  /** A data size (whole data blocks) whose hash file, superblock included, is {@code spill} bytes past a whole MiB. */
  private static long rootWhoseTreeSpills(VeritySpec spec, long spill) {
    long perHashBlock = (long) spec.dataBlockSize() * Long.highestOneBit(spec.hashBlockSize() / digestBytes(spec.algorithm()));
    for (long root = perHashBlock; root < (1L << 40); root += perHashBlock) {
      long hash = VerityStage.hashFileSize(root, spec);
      if (hash > MIB && hash % MIB == spill) {
        return root;
      }
    }
    throw new AssertionError("no root size whose tree is " + spill + " bytes past a whole MiB");
  }

  private static int digestBytes(String algorithm) {
    return switch (algorithm) {
      case "sha1" -> 20;
      case "sha256" -> 32;
      default -> 64;
    };
  }

  /** {@code diskYaml} (a 'disk' mapping without 'size') is accepted on the smallest disk the build lays out, not below. */
  private void assertSmallestDiskAgrees(String diskYaml) throws Exception {
    LoadedProfile roomy = load(diskYaml.replace("disk:\n", "disk:\n  size: 1TiB\n"));
    DiskSpec d = roomy.profile().disk();
    VeritySpec v = roomy.profile().verity();
    long lo = 0;
    long hi = d.size() / 512;
    while (hi - lo > 1) { // the build lays the partitions out on hi sectors, not on lo
      long mid = (lo + hi) / 2;
      if (fits(new DiskSpec(mid * 512, d.espSize(), d.rootSize(), d.veritySize(), d.oemSize(), d.stateMinSize(), d.rootB(), d.formats()), v)) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    String at = diskYaml.replace("disk:\n", "disk:\n  size: " + hi * 512 + "\n");
    assertDoesNotThrow(() -> load(at), "the build lays it out on " + hi * 512 + " bytes:\n" + at);
    String below = diskYaml.replace("disk:\n", "disk:\n  size: " + lo * 512 + "\n");
    ProfileException e = assertThrows(ProfileException.class, () -> load(below), "the build cannot lay it out:\n" + below);
    assertTrue(e.getMessage().contains("the partitions need"), e.getMessage());
  }

  private static boolean fits(DiskSpec disk, VeritySpec verity) throws DiskImageException {
    PartitionContent none = PartitionContent.empty();
    try {
      DiskStage.planWithEmptyState(io.cosbuild.disk.gpt.Architecture.parse("x86_64"), disk, "seed",
          DiskStage.partitions(disk, DiskStage.veritySize(disk, verity), Optional.empty(), none, none, false, none));
      return true;
    } catch (DiskImageException e) {
      return false;
    }
  }
}

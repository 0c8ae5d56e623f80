package io.cosbuild.rootfs.initramfs;

import io.cosbuild.rootfs.tree.Blob;
import io.cosbuild.rootfs.tree.FsTree;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The build configuration a kernel package ships as {@code /boot/config-<release>} (Kconfig's {@code .config}):
 * which file systems, compressors and device-mapper targets the kernel has, built in ({@code y}) or as modules
 * ({@code m}). Immutable and thread-safe.
 */
public final class KernelConfig {

  private final String release;
  private final Map<String, String> values;

  private KernelConfig(String release, Map<String, String> values) {
    this.release = release;
    this.values = Map.copyOf(values);
  }

  /**
   * The configuration of the one kernel in {@code boot} (the extracted boot packages), or empty when its package
   * ships none (a custom kernel may not).
   */
  public static Optional<KernelConfig> of(FsTree boot) throws InitramfsException, IOException {
    InitramfsBuilder.TreeReader r = new InitramfsBuilder.TreeReader(boot);
    String release = InitramfsBuilder.kernelRelease(r);
    Optional<Blob> file = r.file("/boot/config-" + release);
    if (file.isEmpty()) {
      return Optional.empty();
    }
    try (InputStream in = file.get().open()) {
      return Optional.of(parse(release, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    }
  }

  /** Parses {@code text}; lines other than {@code CONFIG_X=value} (comments, "is not set") set nothing. */
  public static KernelConfig parse(String release, String text) {
    Map<String, String> values = new HashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (line.startsWith("CONFIG_") && eq > 0) {
        values.put(line.substring(0, eq), line.substring(eq + 1).trim());
      }
    }
    return new KernelConfig(release, values);
  }

  public String release() {
    return release;
  }

  /** Where the kernel package keeps it. */
  public String path() {
    return "/boot/config-" + release;
  }

  /** Whether {@code option} (e.g. {@code CONFIG_SQUASHFS_ZSTD}) is built into the kernel. */
  public boolean builtIn(String option) {
    return "y".equals(values.get(option));
  }

  /** Whether {@code option} is built in or a module. */
  public boolean available(String option) {
    return builtIn(option) || "m".equals(values.get(option));
  }
}

package io.cosbuild.rootfs.initramfs;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Builds the kernel command line of an image: console, the verity parameters the generated init
 * reads ({@code cosbuild.*}), hardening options, then the profile's own words. The command line
 * is the trust anchor of the root: whoever controls it controls the root hash, so it belongs in
 * signed boot configuration. Immutable and thread-safe.
 *
 * <p>Keys the init reads: {@code cosbuild.root} and {@code cosbuild.verity.hashdev} (GPT
 * partition names, e.g. {@code ROOT-A}, {@code VERITY-A}), {@code cosbuild.verity.roothash},
 * {@code cosbuild.verity.salt} (hex or {@code -}), {@code cosbuild.verity.blocks} (data blocks),
 * {@code cosbuild.verity.hashstart} (the hash tree's first block in hash-block units: 1 after a
 * veritysetup superblock), {@code cosbuild.verity.alg}, {@code cosbuild.verity.bs} and
 * {@code cosbuild.verity.hbs} (data and hash block sizes). {@code cosbuild.selftest=1} asks the
 * minimal profile's init to run its checks.
 */
public final class KernelCommandLine {

  /** Options every image gets unless the profile's own list says otherwise. */
  public static final List<String> HARDENING = List.of("panic=10", "oops=panic", "slab_nomerge", "init_on_alloc=1",
      "page_alloc.shuffle=1", "randomize_kstack_offset=on", "vsyscall=none", "debugfs=off");

  private static final Pattern WORD = Pattern.compile("[\\x21-\\x7e]+");
  private static final Pattern PARTNAME = Pattern.compile("[A-Za-z0-9_-]{1,36}");

  /**
   * dm-verity parameters for the root slot to boot.
   *
   * @param rootPartition GPT name of the data partition, e.g. {@code ROOT-A}
   * @param hashPartition GPT name of the hash partition, e.g. {@code VERITY-A}
   * @param rootHash lower-case hex
   * @param salt lower-case hex, empty for none
   * @param dataBlocks number of data blocks the tree covers
   * @param hashStartBlock first hash block of the tree on the hash partition (1 after a superblock)
   */
  public record Verity(String rootPartition, String hashPartition, String algorithm, int dataBlockSize,
      int hashBlockSize, long dataBlocks, long hashStartBlock, String rootHash, String salt) {
    public Verity {
      for (String p : List.of(rootPartition, hashPartition)) {
        if (!PARTNAME.matcher(p).matches()) {
          throw new IllegalArgumentException("partition name " + p + " must be 1-36 letters, digits, _ or -");
        }
      }
      if (!algorithm.matches("[a-z0-9]+")) {
        throw new IllegalArgumentException("bad hash algorithm " + algorithm);
      }
      for (int bs : new int[] {dataBlockSize, hashBlockSize}) {
        if (bs < 512 || bs > 65536 || Integer.bitCount(bs) != 1) {
          throw new IllegalArgumentException("verity block size must be a power of two in 512..65536: " + bs);
        }
      }
      if (dataBlocks <= 0 || hashStartBlock < 0) {
        throw new IllegalArgumentException("verity data blocks must be > 0 and hash start >= 0");
      }
      if (!rootHash.matches("([0-9a-f]{2}){16,64}") || !(salt.isEmpty() || salt.matches("([0-9a-f]{2}){1,256}"))) {
        throw new IllegalArgumentException("root hash and salt must be lower-case hex (salt may be empty)");
      }
    }

    public static Verity of(String rootPartition, String hashPartition, String algorithm, int dataBlockSize,
        int hashBlockSize, long dataBlocks, long hashStartBlock, byte[] rootHash, byte[] salt) {
      HexFormat hex = HexFormat.of();
      return new Verity(rootPartition, hashPartition, algorithm, dataBlockSize, hashBlockSize, dataBlocks,
          hashStartBlock, hex.formatHex(rootHash), hex.formatHex(salt));
    }
  }

  private final List<String> words;

  private KernelCommandLine(List<String> words) {
    this.words = List.copyOf(words);
  }

  /**
   * The command line for {@code arch} ({@code x86_64} or {@code arm64}).
   *
   * @param hardening options added after the verity keys, normally {@link #HARDENING}
   * @param extra the profile's words, last so that they win where the kernel takes the last value
   */
  public static KernelCommandLine of(String arch, Verity v, List<String> hardening, List<String> extra) {
    List<String> w = new ArrayList<>();
    w.add(switch (arch) {
      case "x86_64", "amd64" -> "console=ttyS0,115200";
      case "arm64", "aarch64" -> "console=ttyAMA0,115200";
      default -> throw new IllegalArgumentException("unknown architecture " + arch + " (x86_64 or arm64)");
    });
    w.add("cosbuild.root=" + v.rootPartition());
    w.add("cosbuild.verity.hashdev=" + v.hashPartition());
    w.add("cosbuild.verity.alg=" + v.algorithm());
    w.add("cosbuild.verity.bs=" + v.dataBlockSize());
    w.add("cosbuild.verity.hbs=" + v.hashBlockSize());
    w.add("cosbuild.verity.blocks=" + v.dataBlocks());
    w.add("cosbuild.verity.hashstart=" + v.hashStartBlock());
    w.add("cosbuild.verity.roothash=" + v.rootHash());
    w.add("cosbuild.verity.salt=" + (v.salt().isEmpty() ? "-" : v.salt()));
    w.addAll(hardening);
    w.addAll(extra);
    for (String s : w) {
      if (!WORD.matcher(s).matches()) {
        throw new IllegalArgumentException("kernel command line word must be printable ASCII without spaces: '" + s + "'");
      }
    }
    KernelCommandLine k = new KernelCommandLine(w);
    if (k.toString().length() > 2047) {
      throw new IllegalArgumentException("kernel command line is " + k.toString().length()
          + " bytes; the kernel takes at most 2047 (x86 COMMAND_LINE_SIZE)");
    }
    return k;
  }

  public List<String> words() {
    return words;
  }

  @Override
  public String toString() {
    return String.join(" ", words);
  }
}

package io.cosbuild.verity;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The device-mapper table of a verity tree, and the kernel command-line fragments that set it up at boot.
 * Immutable and thread-safe.
 *
 * <p>Table line (Documentation/admin-guide/device-mapper/verity.rst):
 * <pre>
 * 0 &lt;sectors&gt; verity &lt;version&gt; &lt;data_dev&gt; &lt;hash_dev&gt; &lt;data_block_size&gt; &lt;hash_block_size&gt;
 *   &lt;num_data_blocks&gt; &lt;hash_start_block&gt; &lt;algorithm&gt; &lt;root_digest&gt; &lt;salt|-&gt; [&lt;#opt&gt; &lt;opt&gt;...]
 * </pre>
 *
 * @param result the tree
 * @param dataDevice data device as the kernel names it ({@code /dev/vda2}, {@code PARTUUID=...}, {@code 8:2})
 * @param hashDevice hash device likewise (the same as data when the tree follows the data)
 * @param optionalArgs optional target arguments, e.g. {@code panic_on_corruption},
 *     {@code root_hash_sig_key_desc <desc>} as two entries; none by default
 */
public record VerityTable(VerityResult result, String dataDevice, String hashDevice, List<String> optionalArgs) {

  public VerityTable {
    Objects.requireNonNull(result, "result");
    requireToken("data device", dataDevice);
    requireToken("hash device", hashDevice);
    optionalArgs = List.copyOf(optionalArgs);
    optionalArgs.forEach(a -> requireToken("optional argument", a));
  }

  public VerityTable(VerityResult result, String dataDevice, String hashDevice) {
    this(result, dataDevice, hashDevice, List.of());
  }

  /** This table with more optional arguments, e.g. {@code withOptions("root_hash_sig_key_desc", "vroot:sig")}. */
  public VerityTable withOptions(String... args) {
    List<String> all = new ArrayList<>(optionalArgs);
    all.addAll(List.of(args));
    return new VerityTable(result, dataDevice, hashDevice, all);
  }

  /** Size of the mapped device in 512-byte sectors. */
  public long sectors() {
    return result.params().dataSize() / 512;
  }

  /** The table line for {@code dmsetup create --table} or {@code dm-mod.create}. */
  public String line() {
    VerityParams p = result.params();
    StringBuilder s = new StringBuilder()
        .append("0 ").append(sectors()).append(" verity ").append(p.hashType())
        .append(' ').append(dataDevice).append(' ').append(hashDevice)
        .append(' ').append(p.dataBlockSize()).append(' ').append(p.hashBlockSize())
        .append(' ').append(p.dataBlocks()).append(' ').append(result.hashStartBlock())
        .append(' ').append(p.hashAlgorithm().kernelName())
        .append(' ').append(result.rootHashHex()).append(' ').append(p.saltHex());
    if (!optionalArgs.isEmpty()) {
      s.append(' ').append(optionalArgs.size());
      optionalArgs.forEach(a -> s.append(' ').append(a));
    }
    return s.toString();
  }

  /**
   * The kernel command-line fragment that creates the device before the root is mounted (needs
   * CONFIG_DM_INIT), read-only: {@code dm-mod.create="NAME,,,ro,TABLE"}. Pair it with
   * {@code root=/dev/dm-0} and, for slow disks, {@code dm-mod.waitfor=DEV,...}.
   */
  public String dmModCreate(String name) {
    requireToken("device name", name);
    if (name.contains(",") || name.contains(";")) {
      throw new IllegalArgumentException("dm device name '" + name + "' must not contain ',' or ';'");
    }
    return "dm-mod.create=\"" + name + ",,,ro," + line() + "\"";
  }

  /** {@code dm-mod.waitfor=} for the devices of this table (one entry when data and hash are the same). */
  public String dmModWaitfor() {
    return "dm-mod.waitfor=" + (dataDevice.equals(hashDevice) ? dataDevice : dataDevice + "," + hashDevice);
  }

  /**
   * The systemd form for initrds that run systemd-veritysetup-generator: {@code roothash=},
   * {@code systemd.verity_root_data=}, {@code systemd.verity_root_hash=} and
   * {@code systemd.verity_root_options=} with this tree's parameters.
   */
  public String systemdCmdline() {
    VerityParams p = result.params();
    List<String> o = new ArrayList<>();
    o.add("hash=" + p.hashAlgorithm().kernelName());
    o.add("data-block-size=" + p.dataBlockSize());
    o.add("hash-block-size=" + p.hashBlockSize());
    o.add("data-blocks=" + p.dataBlocks());
    o.add("format=" + p.hashType());
    o.add("salt=" + p.saltHex());
    if (p.hashOffset() != 0) {
      o.add("hash-offset=" + p.hashOffset());
    }
    if (!p.superblock()) {
      o.add("superblock=false");
    } else {
      o.add("uuid=" + p.uuid());
    }
    return "roothash=" + result.rootHashHex() + " systemd.verity_root_data=" + dataDevice
        + " systemd.verity_root_hash=" + hashDevice + " systemd.verity_root_options=" + String.join(",", o);
  }

  private static void requireToken(String what, String s) {
    if (s == null || s.isEmpty() || s.chars().anyMatch(c -> c <= ' ' || c == '"')) {
      throw new IllegalArgumentException("verity table " + what + " '" + s + "' must be non-empty, without spaces or quotes");
    }
  }

  @Override
  public String toString() {
    return line();
  }
}

package io.cosbuild.spec;

import io.cosbuild.spec.node.Location;
import io.cosbuild.spec.schema.ByteSize;
import java.util.List;
import java.util.Map;

/**
 * Whether the profile's partitions fit its disk, as disk-image's DiskLayout places them: the first
 * partition at 1 MiB, each rounded up to 1 MiB and starting on a MiB boundary, STATE (at least its
 * minimum, at least 1 MiB) ending at the last whole MiB before the backup GPT (33 sectors). Verity
 * 'auto' is the hash file cosbuild writes for a full ROOT (builder-cli's VerityStage.hashFileSize).
 */
final class DiskFit {

  private static final long MIB = 1 << 20;
  /** The backup GPT: 32 sectors of entries and the header. */
  private static final long BACKUP_GPT_SECTORS = 33;
  /** The verity superblock ahead of the tree. */
  private static final long VERITY_SUPERBLOCK = 512;
  private static final Map<String, Integer> DIGEST = Map.of("sha1", 20, "sha256", 32, "sha512", 64);
  private static final List<String> WRITTEN_FIRST = List.of("disk.size", "disk.root-size", "disk.esp-size", "disk.verity-size",
      "disk.oem-size", "disk.state-min-size", "disk");

  private DiskFit() {}

  static List<ProfileError> check(Map<String, Object> disk, Map<String, Object> verity, Map<String, Location> where, String file) {
    long size = Values.size(disk.get("size"));
    long root = Values.size(disk.get("root-size"));
    long hash = "auto".equals(disk.get("verity-size")) ? hashFileSize(root, verity) : Values.size(disk.get("verity-size"));
    long need = MIB + mib(Values.size(disk.get("esp-size"))) + 2 * mib(root) + 2 * mib(hash) + mib(Values.size(disk.get("oem-size")))
        + Math.max(mib(Values.size(disk.get("state-min-size"))), MIB);
    long usable = (size / 512 - BACKUP_GPT_SECTORS) * 512 / MIB * MIB;
    if (need <= usable) {
      return List.of();
    }
    // Named at a size the profile itself wrote when it wrote one, else at one it inherited.
    String field = WRITTEN_FIRST.stream().filter(f -> where.containsKey(f) && where.get(f).file().equals(file)).findFirst()
        .or(() -> WRITTEN_FIRST.stream().filter(where::containsKey).findFirst()).orElse("disk.size");
    return List.of(new ProfileError(Values.at(where, field, file), field, "the partitions need " + ByteSize.format(need)
        + " (1MiB + esp-size + 2 x root-size + 2 x verity-size + oem-size + state-min-size, each rounded up to 1MiB) but a disk of "
        + ByteSize.format(size) + " holds " + ByteSize.format(Math.max(usable, 0)) + ": raise disk.size or lower the partition sizes"));
  }

  private static long mib(long bytes) {
    return (bytes + MIB - 1) / MIB * MIB;
  }

  /** Superblock and hash tree for {@code rootBytes} of data, as veritysetup lays them out. */
  static long hashFileSize(long rootBytes, Map<String, Object> verity) {
    long dataBlock = (Long) verity.get("data-block-size");
    long hashBlock = (Long) verity.get("hash-block-size");
    int digest = DIGEST.getOrDefault((String) verity.get("algorithm"), 64);
    int bits = 63 - Long.numberOfLeadingZeros(hashBlock / digest);
    long blocks = Math.max(1, rootBytes / dataBlock);
    long total = (VERITY_SUPERBLOCK + hashBlock - 1) / hashBlock;
    for (int level = 0; bits * level < 64 && ((blocks - 1) >>> (bits * level)) != 0; level++) {
      int shift = (level + 1) * bits;
      total += shift >= 64 ? 1 : ((blocks - 1) >>> shift) + 1;
    }
    return total * hashBlock;
  }
}

package io.cosbuild.cli.build;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json}: what was built, from what, and the facts a verifier or an updater needs
 * (verity parameters and root hash, the partition table, the kernel command line). Field order is
 * the declaration order; lists are sorted by the builder. Immutable.
 */
public record Manifest(
    int manifestVersion,
    String cosbuildVersion,
    ProfileRef profile,
    String arch,
    long sourceDateEpoch,
    List<PackageRef> packages,
    RootfsRef rootfs,
    VerityRef verity,
    Disk disk,
    String kernelCommandLine,
    Map<String, FileRef> files) {

  /**
   * 5: {@code rootfs} names the squashfs compression level and xz branch filters. 4: the ESP with a unified kernel
   * image, whose bytes neither the partition table nor a verity tree proves, has their {@code sha256}. 3: a
   * partition's {@code attributes} is 16 hex digits with the decoded {@code flags} beside it (2 wrote a signed 64-bit
   * JSON number, which JavaScript and jq cannot hold exactly), and a signed build signs the manifest too
   * (manifest.json.p7s). 2: {@link #files} lists every output in the directory but disk.raw and manifest.json (1
   * listed only some).
   */
  public static final int VERSION = 5;

  /** The profile's name and the SHA-256 of its merged form. */
  public record ProfileRef(String name, String digest) {}

  /** One installed package. */
  public record PackageRef(String name, String version, String arch, String sha256) {}

  /**
   * The root filesystem image inside ROOT-A: for squashfs its compressor with the level it was written at and the xz
   * branch filters tried on each block (from version 5; none for ext4, whose compression is "none").
   */
  public record RootfsRef(String type, String compression, @JsonInclude(JsonInclude.Include.NON_NULL) Integer level,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> xzFilters, long size, String sha256) {}

  /** dm-verity parameters; {@code signature} is the file holding the PKCS#7 signature, if signed. */
  public record VerityRef(String algorithm, int version, int dataBlockSize, int hashBlockSize, long dataBlocks,
      String salt, String rootHash, long hashSize, String signature) {}

  /** The GPT. */
  public record Disk(String diskGuid, long sizeBytes, int sectorSize, List<Partition> partitions) {}

  /**
   * One partition: LBAs are inclusive, as sgdisk and sfdisk print them; {@code attributes} is the GPT attribute field
   * as 16 hex digits, as {@code sgdisk -i} prints it, and {@code flags} names its set bits (before version 3 there
   * are no flags and the field is a decimal number: {@link #attributeBits(int)} reads either form). {@code sha256} is
   * the digest of the whole partition as built, for the ESP with a unified kernel image (from version 4; absent for
   * the others: verity proves ROOT and VERITY, provisioning and the system write OEM and STATE, an empty one is
   * checked to be zeros).
   */
  public record Partition(int number, String name, String typeGuid, String partitionGuid, long firstLba, long lastLba,
      String attributes, List<String> flags, String content, @JsonInclude(JsonInclude.Include.NON_NULL) String sha256) {

    /**
     * The attribute field's bits, read as the manifest's version wrote them.
     *
     * @throws IllegalArgumentException when the field is missing or not in that version's form
     */
    public long attributeBits(int manifestVersion) {
      if (attributes == null) {
        throw new IllegalArgumentException("partition " + number + ": no attributes");
      }
      try {
        if (manifestVersion < 3) {
          return Long.parseLong(attributes);
        }
        if (!attributes.matches("[0-9a-fA-F]{16}")) {
          throw new NumberFormatException();
        }
        return Long.parseUnsignedLong(attributes, 16);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("partition " + number + ": attributes \"" + attributes + "\" is not "
            + (manifestVersion < 3 ? "a decimal number" : "16 hex digits"));
      }
    }
  }

  /** An output file's size and digest. */
  public record FileRef(long size, String sha256) {}
}

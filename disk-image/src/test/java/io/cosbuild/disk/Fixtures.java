package io.cosbuild.disk;

import io.cosbuild.disk.gpt.Architecture;
import io.cosbuild.disk.gpt.RootHash;
import io.cosbuild.disk.layout.DiskLayoutRequest;
import io.cosbuild.disk.layout.PartitionContent;
import io.cosbuild.disk.layout.PartitionRequest;
import io.cosbuild.disk.layout.PartitionRole;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Small partition contents made by the reference tools: a squashfs root (mksquashfs), its verity hash
 * (veritysetup format, fixed salt and UUID), and ext4 images for OEM and STATE (mkfs.ext4).
 */
public final class Fixtures {
  public static final String SALT = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
  public static final String VERITY_UUID = "6b2c0b8e-2f1a-4c1e-9d2b-3a4b5c6d7e8f";
  public static final String HELLO = "hello from cosbuild\n";

  /**
   * The files.
   *
   * @param root squashfs image
   * @param verity verity hash image with superblock
   * @param rootHash root hash veritysetup printed
   * @param oem ext4 image
   * @param state ext4 image
   */
  public record Images(Path root, Path verity, RootHash rootHash, Path oem, Path state) {
  }

  private Fixtures() {}

  public static Images make(Path dir) throws IOException, InterruptedException {
    Path src = dir.resolve("rootsrc");
    Files.createDirectories(src.resolve("etc"));
    Files.writeString(src.resolve("etc/hello"), HELLO);
    // A few hundred KiB of incompressible-ish data so the root spans more than one hash block.
    byte[] data = new byte[300_000];
    long x = 42;
    for (int i = 0; i < data.length; i++) {
      x = x * 6364136223846793005L + 1442695040888963407L;
      data[i] = (byte) (x >>> 56);
    }
    Files.write(src.resolve("etc/blob"), data);
    Path root = dir.resolve("root.sqfs");
    Tools.run("mksquashfs", src.toString(), root.toString(), "-quiet", "-noappend", "-all-root", "-mkfs-time", "0",
        "-all-time", "0", "-no-progress");
    Path verity = dir.resolve("verity.img");
    String out = Tools.run("veritysetup", "format", "--salt", SALT, "--uuid", VERITY_UUID, root.toString(),
        verity.toString());
    Matcher m = Pattern.compile("Root hash:\\s+([0-9a-f]+)").matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("no root hash in veritysetup output:\n" + out);
    }
    Path oem = ext4(dir.resolve("oem.ext4"), "4M", "1f2e3d4c-0000-4000-8000-000000000006");
    Path state = ext4(dir.resolve("state.ext4"), "8M", "1f2e3d4c-0000-4000-8000-000000000007");
    return new Images(root, verity, new RootHash(m.group(1)), oem, state);
  }

  private static Path ext4(Path file, String size, String uuid) throws IOException, InterruptedException {
    Files.deleteIfExists(file);
    Tools.run("mkfs.ext4", "-q", "-F", "-U", uuid, "-E", "root_owner=0:0", "-O", "^has_journal", file.toString(),
        size);
    return file;
  }

  /** A full layout request: ESP (empty), ROOT-A/VERITY-A from the fixtures, ROOT-B/VERITY-B, OEM, STATE. */
  public static DiskLayoutRequest request(Architecture arch, long diskSize, Images img, boolean rootBCopy) {
    PartitionContent rootB = rootBCopy ? PartitionContent.ofFile(img.root()) : PartitionContent.empty();
    PartitionContent verityB = rootBCopy ? PartitionContent.ofFile(img.verity()) : PartitionContent.empty();
    return new DiskLayoutRequest(arch, diskSize, "test-seed", false, List.of(
        PartitionRequest.of(PartitionRole.EFI_SYSTEM, 2 << 20, PartitionContent.empty()),
        new PartitionRequest(PartitionRole.ROOT_A, 4 << 20, PartitionContent.ofFile(img.root()),
            Optional.of(img.rootHash())),
        new PartitionRequest(PartitionRole.VERITY_A, 1 << 20, PartitionContent.ofFile(img.verity()),
            Optional.of(img.rootHash())),
        PartitionRequest.of(PartitionRole.ROOT_B, 4 << 20, rootB),
        PartitionRequest.of(PartitionRole.VERITY_B, 1 << 20, verityB),
        PartitionRequest.of(PartitionRole.OEM, 4 << 20, PartitionContent.ofFile(img.oem())),
        PartitionRequest.of(PartitionRole.STATE, 8 << 20, PartitionContent.ofFile(img.state()))));
  }

  public static String text(Path p) throws IOException {
    return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
  }
}

package io.cosbuild.disk.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cosbuild.disk.Fixtures;
import io.cosbuild.disk.Tools;
import io.cosbuild.disk.gpt.Architecture;
import io.cosbuild.disk.gpt.PartitionType;
import io.cosbuild.disk.inspect.ManifestPartition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The written disk judged by sgdisk, sfdisk, losetup + mount and veritysetup. */
class DiskImageReferenceIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @ParameterizedTest
  @EnumSource(Architecture.class)
  void sgdiskFindsNoProblemsAndSfdiskListsTheManifestTable(Architecture arch) throws Exception {
    Fixtures.Images img = Fixtures.make(dir);
    DiskLayout layout = DiskLayout.plan(Fixtures.request(arch, 64L << 20, img, true));
    Path disk = DiskImageWriter.write(layout, dir.resolve("disk.raw")).path();

    String verify = Tools.run("sgdisk", "-v", disk.toString());
    assertTrue(verify.contains("No problems found"), verify);

    JsonNode table = JSON.readTree(Tools.run("sfdisk", "--json", disk.toString())).get("partitiontable");
    assertEquals("gpt", table.get("label").asText());
    assertEquals(layout.diskGuid().toString(), table.get("id").asText().toLowerCase(Locale.ROOT));
    JsonNode parts = table.get("partitions");
    List<ManifestPartition> manifest = layout.manifestPartitions();
    assertEquals(manifest.size(), parts.size());
    for (int i = 0; i < manifest.size(); i++) {
      ManifestPartition m = manifest.get(i);
      JsonNode p = parts.get(i);
      assertEquals(disk + String.valueOf(m.number()), p.get("node").asText());
      assertEquals(m.name(), p.get("name").asText());
      assertEquals(m.typeGuid().toString(), p.get("type").asText().toLowerCase(Locale.ROOT));
      assertEquals(m.partGuid().toString(), p.get("uuid").asText().toLowerCase(Locale.ROOT));
      assertEquals(m.firstLba(), p.get("start").asLong());
      assertEquals(m.lastLba() - m.firstLba() + 1, p.get("size").asLong());
      assertEquals(0, m.firstLba() % 2048, "1 MiB aligned");
    }
    // Types from the DPS for this architecture.
    assertEquals(PartitionType.root(arch).guid(), manifest.get(1).typeGuid());
    assertEquals(PartitionType.rootVerity(arch).guid(), manifest.get(2).typeGuid());
    // systemd convention: roothash= alone names ROOT-A and VERITY-A.
    String rh = img.rootHash().hex();
    assertEquals(rh.substring(0, 32), manifest.get(1).partGuid().toString().replace("-", ""));
    assertEquals(rh.substring(rh.length() - 32), manifest.get(2).partGuid().toString().replace("-", ""));
    // STATE is last and ends at the last 1 MiB boundary before the backup GPT.
    ManifestPartition state = manifest.get(manifest.size() - 1);
    assertEquals("STATE", state.name());
    long lastUsable = table.get("lastlba").asLong();
    assertTrue(state.lastLba() <= lastUsable && lastUsable - state.lastLba() < 2048);

    // Attribute bits as sgdisk decodes them: ROOT-A priority 2, successful, read-only.
    String attrs = Tools.run("sgdisk", "-A", "2:show", disk.toString());
    assertTrue(attrs.contains("2:49:1"), attrs);
    assertTrue(attrs.contains("2:56:1"), attrs);
    assertTrue(attrs.contains("2:60:1"), attrs);
    String attrsB = Tools.run("sgdisk", "-A", "4:show", disk.toString());
    assertTrue(attrsB.contains("4:48:1") && attrsB.contains("4:63:1"), attrsB);
  }

  @ParameterizedTest
  @EnumSource(Architecture.class)
  void loopMountedPartitionsShowTheRootAndVeritysetupAcceptsIt(Architecture arch) throws Exception {
    Fixtures.Images img = Fixtures.make(dir);
    DiskLayout layout = DiskLayout.plan(Fixtures.request(arch, 64L << 20, img, false));
    Path disk = DiskImageWriter.write(layout, dir.resolve("disk.raw")).path();
    PlannedPartition rootA = layout.partition(PartitionRole.ROOT_A).orElseThrow();
    PlannedPartition verityA = layout.partition(PartitionRole.VERITY_A).orElseThrow();
    PlannedPartition state = layout.partition(PartitionRole.STATE).orElseThrow();

    String rootLoop = losetup(disk, rootA);
    String hashLoop = losetup(disk, verityA);
    Path mnt = Files.createDirectories(dir.resolve("mnt"));
    try {
      Tools.run("veritysetup", "verify", rootLoop, hashLoop, img.rootHash().hex());
      Tools.run("mount", "-t", "squashfs", "-o", "ro", rootLoop, mnt.toString());
      try {
        assertEquals(Fixtures.HELLO, Files.readString(mnt.resolve("etc/hello")));
      } finally {
        Tools.run("umount", mnt.toString());
      }
    } finally {
      Tools.exec("losetup", "-d", rootLoop);
      Tools.exec("losetup", "-d", hashLoop);
    }
    // OEM and STATE hold the ext4 images: e2fsck on a loop device over each partition accepts them.
    for (PlannedPartition p : List.of(layout.partition(PartitionRole.OEM).orElseThrow(), state)) {
      String loop = losetup(disk, p);
      try {
        Tools.run("e2fsck", "-f", "-n", loop);
      } finally {
        Tools.exec("losetup", "-d", loop);
      }
    }
  }

  private static String losetup(Path disk, PlannedPartition p) throws Exception {
    return Tools.run("losetup", "-f", "--show", "-r", "--offset", String.valueOf(p.offsetBytes()), "--sizelimit",
        String.valueOf(p.sizeBytes()), disk.toString()).trim();
  }
}

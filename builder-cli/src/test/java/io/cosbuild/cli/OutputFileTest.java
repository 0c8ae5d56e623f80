package io.cosbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whether a block device is in use, from a mount table and a sysfs tree laid out as Linux lays them out. */
class OutputFileTest {

  @TempDir Path sys;

  private static final List<String> MOUNTS = List.of(
      "22 1 0:21 / / rw,relatime shared:1 - overlay overlay rw",
      "31 22 259:3 / /var/lib rw,relatime shared:9 - ext4 /dev/nvme0n1p3 rw");

  /** /sys/dev/block/ID for a disk with partitions {@code p1} and {@code p3} (259:1 and 259:3). */
  private void disk(String id) throws Exception {
    Path d = Files.createDirectories(sys.resolve(id));
    Files.createDirectory(d.resolve("holders"));
    Files.writeString(d.resolve("dev"), id + "\n");
    for (String p : List.of("1", "3")) {
      Path part = Files.createDirectories(d.resolve("nvme0n1p" + p));
      Files.createDirectory(part.resolve("holders"));
      Files.writeString(part.resolve("dev"), "259:" + p + "\n");
      Files.writeString(part.resolve("partition"), p + "\n");
    }
    Files.createDirectories(d.resolve("queue"));
  }

  @Test
  void aDeviceMountedItselfOrThroughAPartitionIsInUse() throws Exception {
    disk("259:0");
    assertEquals(Optional.of("partition nvme0n1p3 is mounted at /var/lib"), OutputFile.user("259:0", MOUNTS, sys));
    assertEquals(Optional.of("mounted at /var/lib"), OutputFile.user("259:3", MOUNTS, sys));
    assertEquals(Optional.empty(), OutputFile.user("259:1", MOUNTS, sys));
    assertEquals(Optional.empty(), OutputFile.user("7:0", MOUNTS, sys), "a device sysfs does not know");
  }

  @Test
  void aDeviceOrPartitionUnderADeviceMapperTargetIsInUse() throws Exception {
    disk("259:0");
    List<String> none = List.of(MOUNTS.get(0));
    assertEquals(Optional.empty(), OutputFile.user("259:0", none, sys));
    Files.createDirectory(sys.resolve("259:0/nvme0n1p1/holders/dm-2"));
    assertEquals(Optional.of("partition nvme0n1p1 is used by dm-2"), OutputFile.user("259:0", none, sys));
    Files.createDirectory(sys.resolve("259:0/holders/md0"));
    assertEquals(Optional.of("used by md0"), OutputFile.user("259:0", none, sys));
  }
}

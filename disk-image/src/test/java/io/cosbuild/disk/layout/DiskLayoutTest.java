package io.cosbuild.disk.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.disk.DiskImageException;
import io.cosbuild.disk.gpt.Architecture;
import io.cosbuild.disk.gpt.GptAttributes;
import io.cosbuild.disk.gpt.Guids;
import io.cosbuild.disk.gpt.PartitionType;
import io.cosbuild.disk.gpt.RootHash;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskLayoutTest {
  private static final RootHash HASH =
      new RootHash("aa112233445566778899aabbccddeeff0123456789abcdef0123456789abcdbb");

  @TempDir
  Path dir;

  private static List<PartitionRequest> all(PartitionContent rootB) {
    return List.of(
        PartitionRequest.of(PartitionRole.EFI_SYSTEM, 100 << 20, PartitionContent.empty()),
        new PartitionRequest(PartitionRole.ROOT_A, 300_000_000, PartitionContent.empty(), Optional.of(HASH)),
        new PartitionRequest(PartitionRole.VERITY_A, 3 << 20, PartitionContent.empty(), Optional.of(HASH)),
        PartitionRequest.of(PartitionRole.ROOT_B, 300_000_000, rootB),
        PartitionRequest.of(PartitionRole.VERITY_B, 3 << 20, PartitionContent.empty()),
        PartitionRequest.of(PartitionRole.OEM, 16 << 20, PartitionContent.empty()),
        PartitionRequest.of(PartitionRole.STATE, 1 << 30, PartitionContent.empty()));
  }

  @Test
  void partitionsAreNumberedAlignedInOrderWithStateFillingTheDisk() throws Exception {
    List<PartitionRequest> shuffled = new ArrayList<>(all(PartitionContent.empty()));
    Collections.reverse(shuffled);
    DiskLayout l = DiskLayout.plan(new DiskLayoutRequest(Architecture.X86_64, 20L << 30, "seed", false, shuffled));
    assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), l.partitions().stream().map(PlannedPartition::number).toList());
    long next = 2048;
    for (PlannedPartition p : l.partitions()) {
      assertEquals(next, p.firstLba(), p.name());
      assertEquals(0, p.firstLba() % 2048, p.name());
      assertEquals(0, p.sizeBytes() % (1 << 20), p.name());
      next = p.lastLba() + 1;
    }
    // 300,000,000 bytes rounds up to 287 MiB.
    assertEquals(287L << 20, l.partition(PartitionRole.ROOT_A).orElseThrow().sizeBytes());
    PlannedPartition state = l.partition(PartitionRole.STATE).orElseThrow();
    assertEquals((20L << 30) / 512 - 2048 - 1, state.lastLba(), "STATE ends at the last MiB before the backup GPT");
    assertEquals(PartitionType.LINUX_DATA, state.type());
  }

  @Test
  void typesGuidsAndAttributesFollowTheConventions() throws Exception {
    DiskLayout l = DiskLayout.plan(new DiskLayoutRequest(Architecture.ARM64, 4L << 30, "seed", true,
        all(PartitionContent.ofFile(Path.of("/dev/null")))));
    PlannedPartition rootA = l.partition(PartitionRole.ROOT_A).orElseThrow();
    PlannedPartition verityA = l.partition(PartitionRole.VERITY_A).orElseThrow();
    PlannedPartition rootB = l.partition(PartitionRole.ROOT_B).orElseThrow();
    assertEquals(PartitionType.ROOT_ARM64, rootA.type());
    assertEquals(PartitionType.ROOT_ARM64_VERITY, verityA.type());
    assertEquals(PartitionType.VAR, l.partition(PartitionRole.STATE).orElseThrow().type());
    assertEquals(HASH.dataPartitionUuid(), rootA.partGuid());
    assertEquals(HASH.hashPartitionUuid(), verityA.partGuid());
    assertEquals(Guids.derive("seed", "ROOT-B"), rootB.partGuid());
    assertEquals(Guids.derive("seed", "disk"), l.diskGuid());
    GptAttributes a = rootA.attributes();
    assertTrue(a.readOnly() && a.successful() && !a.noAuto());
    GptAttributes b = rootB.attributes();
    assertTrue(a.priority() > b.priority(), "ROOT-A starts with the higher priority");
    assertTrue(b.readOnly() && b.noAuto());
    assertEquals(1, b.priority(), "a ROOT-B copy is bootable as fallback");
    DiskLayout empty = DiskLayout.plan(new DiskLayoutRequest(Architecture.ARM64, 4L << 30, "seed", true,
        all(PartitionContent.empty())));
    assertEquals(0, empty.partition(PartitionRole.ROOT_B).orElseThrow().attributes().priority(),
        "an empty ROOT-B is not bootable");
    DiskLayout other = DiskLayout.plan(new DiskLayoutRequest(Architecture.ARM64, 4L << 30, "seed2", true,
        all(PartitionContent.empty())));
    assertNotEquals(l.diskGuid(), other.diskGuid());
  }

  @Test
  void impossibleLayoutsAreRefusedWithAReason() throws Exception {
    DiskImageException tooSmall = assertThrows(DiskImageException.class, () -> DiskLayout.plan(
        new DiskLayoutRequest(Architecture.X86_64, 1L << 30, "s", false, all(PartitionContent.empty()))));
    assertTrue(tooSmall.getMessage().contains("STATE needs at least"), tooSmall.getMessage());
    assertThrows(DiskImageException.class, () -> DiskLayout.plan(
        new DiskLayoutRequest(Architecture.X86_64, (20L << 30) + 100, "s", false, all(PartitionContent.empty()))));
    Path big = dir.resolve("big");
    Files.write(big, new byte[(2 << 20) + 1]);
    DiskImageException content = assertThrows(DiskImageException.class, () -> DiskLayout.plan(
        new DiskLayoutRequest(Architecture.X86_64, 64L << 20, "s", false,
            List.of(PartitionRequest.of(PartitionRole.OEM, 2 << 20, PartitionContent.ofFile(big))))));
    assertTrue(content.getMessage().startsWith("OEM: content of"), content.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new PartitionRequest(PartitionRole.OEM, 1, PartitionContent.empty(), Optional.of(HASH)));
    DiskImageException zero = assertThrows(DiskImageException.class, () -> DiskLayout.plan(
        new DiskLayoutRequest(Architecture.X86_64, 64L << 20, "s", false,
            List.of(PartitionRequest.of(PartitionRole.OEM, 0, PartitionContent.empty())))));
    assertTrue(zero.getMessage().startsWith("OEM: size 0 and no content"), zero.getMessage());
    // Size 0 with content: the content's length, rounded up to 1 MiB.
    DiskLayout fit = DiskLayout.plan(new DiskLayoutRequest(Architecture.X86_64, 64L << 20, "s", false,
        List.of(PartitionRequest.of(PartitionRole.OEM, 0, PartitionContent.ofFile(big)))));
    assertEquals(3L << 20, fit.partitions().get(0).sizeBytes());
  }
}

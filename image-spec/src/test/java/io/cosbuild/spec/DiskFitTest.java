package io.cosbuild.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DiskFitTest {

  private static final Map<String, Object> VERITY = Map.of("algorithm", "sha256", "data-block-size", 4096L, "hash-block-size", 4096L);

  private static Map<String, Object> disk(String size) {
    return Map.of("size", size, "esp-size", "64MiB", "root-size", "1GiB", "verity-size", "auto", "oem-size", "16MiB",
        "state-min-size", "512MiB");
  }

  @Test
  void theHashFileOfAFullRootIsVeritysetups() {
    // veritysetup format of 1 GiB, sha256, 4 KiB blocks: superblock block + 2048 + 16 + 1 tree blocks.
    assertEquals(2066L * 4096, DiskFit.hashFileSize(1L << 30, VERITY));
  }

  @Test
  void theBoundaryIsDiskLayouts() {
    // 1 + 64 + 2 x 1024 + 2 x 9 + 16 + 512 MiB; DiskLayout accepts a disk of 2660 MiB less one sector and refuses 2659 MiB.
    assertTrue(DiskFit.check(disk("2789211648"), VERITY, Map.of(), "p.yaml").isEmpty());
    assertEquals(1, DiskFit.check(disk("2659MiB"), VERITY, Map.of(), "p.yaml").size());
  }
}

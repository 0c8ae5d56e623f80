package io.cosbuild.cli.build;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cosbuild.rootfs.squashfs.Compression;
import io.cosbuild.spec.ProfileException;
import io.cosbuild.spec.ProfileLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * image-spec cannot see the writers, so its validation keeps its own copy of their limits: here the copy
 * meets the original, so that a profile validation accepts is never one the build then refuses.
 */
class ProfileRulesMatchWritersTest {

  @TempDir Path dir;

  private void load(String yaml) throws Exception {
    Files.writeString(dir.resolve("p.yaml"), "packages:\n  include: [busybox]\n" + yaml);
    new ProfileLoader(List.of(dir)).load("p");
  }

  @Test
  void everyCompressorsLevelRangeIsTheWritersOwn() {
    for (Compression c : Compression.values()) {
      String head = "rootfs:\n  compression: " + c.cliName() + "\n  compression-level: ";
      assertDoesNotThrow(() -> load(head + c.minLevel() + "\n"), c + " at its lowest level");
      assertDoesNotThrow(() -> load(head + c.maxLevel() + "\n"), c + " at its highest level");
      assertThrows(ProfileException.class, () -> load(head + (c.minLevel() - 1) + "\n"), c + " below its range");
      assertThrows(ProfileException.class, () -> load(head + (c.maxLevel() + 1) + "\n"), c + " above its range");
    }
  }
}

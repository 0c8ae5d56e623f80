package io.cosbuild.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class DiskFormatTest {
  @Test
  void rawIsAlwaysWrittenAndUnknownFormatsAreRefused() throws Exception {
    assertEquals(EnumSet.of(DiskFormat.RAW), DiskFormat.parseList("raw"));
    assertEquals(EnumSet.allOf(DiskFormat.class), DiskFormat.parseList("gce, qcow2"));
    DiskImageException e = assertThrows(DiskImageException.class, () -> DiskFormat.parseList("raw,vmdk"));
    assertEquals("unknown disk format 'vmdk': use raw, qcow2 or gce", e.getMessage());
  }
}

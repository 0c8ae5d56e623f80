package io.cosbuild.rootfs.tree;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The tree's refusals are short: the callers add the path, and a hostile value is not repeated. */
class FsNodeTest {

  private static final NodeMetadata META = NodeMetadata.of(0777, 0, 0, 0);

  @Test
  void aLongSymlinkTargetIsAbbreviatedWithItsLength() {
    String m = assertThrows(IllegalArgumentException.class, () -> new FsNode.Symlink(META, "t".repeat(5000)))
        .getMessage();
    assertTrue(m.length() < 150 && m.contains("'" + "t".repeat(64) + "...' (5000 characters)")
        && m.contains("4095"), m);
    m = assertThrows(IllegalArgumentException.class, () -> new FsNode.Symlink(META, "a\0b\nc")).getMessage();
    assertTrue(m.contains("'a\\x00b\\x0ac'") && m.contains("NUL") && !m.contains("\n"), m);
  }

  @Test
  void aSymlinkTargetIsMeasuredInBytesAsTheKernelMeasuresIt() {
    // 2,048 two-byte characters: 4,096 bytes, one more than readlink can return.
    String m = assertThrows(IllegalArgumentException.class, () -> new FsNode.Symlink(META, "\u00e9".repeat(2048)))
        .getMessage();
    assertTrue(m.contains("4096 bytes in UTF-8, longer than 4095"), m);
    new FsNode.Symlink(META, "\u00e9".repeat(2047) + "a"); // 4,095 bytes
    new FsNode.Symlink(META, "a".repeat(4095));
  }

  @Test
  void aDeviceNumberOutOfRangeSaysTheRange() {
    String m = assertThrows(IllegalArgumentException.class, () -> new FsNode.Device(META, false, 5000, 1))
        .getMessage();
    assertTrue(m.contains("5000:1") && m.contains("4095") && m.contains("1048575"), m);
  }
}

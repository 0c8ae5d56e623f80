package io.cosbuild.rootfs.ext4;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Malformed ACLs are refused naming where they are; the conversion itself is judged by the kernel in DirectoryXattrsIT. */
class PosixAclTest {

  private static String refusal(String hex) {
    return assertThrows(Ext4Exception.class, () -> PosixAcl.toExt4(HexFormat.of().parseHex(hex), "/etc/x"))
        .getMessage();
  }

  @Test
  void aTruncatedEntryIsRefused() {
    String m = refusal("0200000001000700ffffff");
    assertTrue(m.startsWith("/etc/x: POSIX ACL is 11 bytes"), m);
  }

  @Test
  void anotherVersionIsRefused() {
    String m = refusal("0100000001000700ffffffff");
    assertTrue(m.contains("version 1, not 2"), m);
  }

  @Test
  void anUnknownTagIsRefused() {
    String m = refusal("0200000040000700ffffffff");
    assertTrue(m.contains("tag 0x40"), m);
  }
}

package io.cosbuild.verity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class VerityTableTest {

  private final VerityParams p = VerityParams.of(262144, new byte[] {(byte) 0xab, (byte) 0xcd}, new UUID(1, 2));
  private final byte[] root = HexFormat.of().parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
  private final VerityResult r = new VerityResult(p, VerityLayout.of(p), root);

  @Test
  void lineHasTheKernelFieldsInOrder() {
    // Documentation/admin-guide/device-mapper/verity.rst: <version> <dev> <hash_dev> <data_block_size>
    // <hash_block_size> <num_data_blocks> <hash_start_block> <algorithm> <digest> <salt>
    String[] f = r.table("/dev/vda2", "/dev/vda3").line().split(" ");
    assertEquals("0", f[0]);
    assertEquals(String.valueOf(262144L * 4096 / 512), f[1]);
    assertEquals("verity", f[2]);
    assertEquals("1", f[3]);
    assertEquals("/dev/vda2", f[4]);
    assertEquals("/dev/vda3", f[5]);
    assertEquals("4096", f[6]);
    assertEquals("4096", f[7]);
    assertEquals("262144", f[8]);
    assertEquals(String.valueOf(r.hashStartBlock()), f[9]);
    assertEquals("1", f[9], "the superblock takes hash block 0");
    assertEquals("sha256", f[10]);
    assertEquals(HexFormat.of().formatHex(root), f[11]);
    assertEquals("abcd", f[12]);
    assertEquals(13, f.length);
  }

  @Test
  void optionalArgumentsAreCounted() {
    String line = r.table("8:2", "8:3").withOptions("panic_on_corruption", "root_hash_sig_key_desc", "vroot").line();
    assertEquals(" 3 panic_on_corruption root_hash_sig_key_desc vroot", line.substring(line.indexOf(" abcd") + 5));
  }

  @Test
  void dmModCreateQuotesTheTable() {
    VerityTable t = r.table("/dev/vda2", "/dev/vda3");
    assertEquals("dm-mod.create=\"vroot,,,ro," + t.line() + "\"", t.dmModCreate("vroot"));
    assertEquals("dm-mod.waitfor=/dev/vda2,/dev/vda3", t.dmModWaitfor());
    assertThrows(IllegalArgumentException.class, () -> t.dmModCreate("a,b"));
    assertThrows(IllegalArgumentException.class, () -> r.table("/dev/vda2 x", "/dev/vda3"));
  }
}

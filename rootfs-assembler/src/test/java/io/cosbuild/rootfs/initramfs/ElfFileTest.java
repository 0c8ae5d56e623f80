package io.cosbuild.rootfs.initramfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ElfFileTest {

  /** A minimal ELF64 LE file: sections null, .shstrtab, .modinfo. */
  static byte[] module(String modinfo) {
    byte[] names = "\0.shstrtab\0.modinfo\0".getBytes(StandardCharsets.US_ASCII);
    byte[] info = modinfo.getBytes(StandardCharsets.UTF_8);
    int namesOff = 64;
    int infoOff = namesOff + names.length;
    int shoff = (infoOff + info.length + 7) & ~7;
    ByteBuffer b = ByteBuffer.allocate(shoff + 3 * 64).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
    b.putShort(16, (short) 1).putShort(18, (short) ElfFile.EM_X86_64).putLong(40, shoff)
        .putShort(58, (short) 64).putShort(60, (short) 3).putShort(62, (short) 1);
    b.put(namesOff, names).put(infoOff, info);
    b.putInt(shoff + 64, 1).putInt(shoff + 64 + 4, 3).putLong(shoff + 64 + 24, namesOff).putLong(shoff + 64 + 32, names.length);
    b.putInt(shoff + 128, 11).putInt(shoff + 128 + 4, 1).putLong(shoff + 128 + 24, infoOff).putLong(shoff + 128 + 32, info.length);
    return b.array();
  }

  @Test
  void readsModinfoDependsAndAliases() throws Exception {
    KernelModule m = KernelModule.parse("kernel/drivers/md/dm-verity.ko",
        module("license=GPL\0depends=dm-bufio,dm-mod,reed_solomon\0\0alias=dm-target-verity\0name=dm_verity\0"));
    assertEquals("dm_verity", m.name());
    assertEquals(List.of("dm_bufio", "dm_mod", "reed_solomon"), m.depends());
    assertEquals(List.of("dm-target-verity"), m.aliases());
    assertTrue(KernelModule.parse("kernel/x.ko", module("depends=\0name=x\0")).depends().isEmpty());
  }

  @Test
  void hostileOrForeignFilesAreRefused() {
    byte[] ok = module("name=x\0");
    assertThrows(InitramfsException.class, () -> KernelModule.parse("kernel/y.ko", ok), "name disagrees with file");
    assertThrows(InitramfsException.class, () -> ElfFile.parse("short", new byte[10]));
    byte[] bad = ok.clone();
    ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putLong(40, Long.MAX_VALUE - 10);
    assertThrows(InitramfsException.class, () -> ElfFile.parse("shoff", bad));
    byte[] bad2 = ok.clone();
    int shoff = (int) ByteBuffer.wrap(ok).order(ByteOrder.LITTLE_ENDIAN).getLong(40);
    ByteBuffer.wrap(bad2).order(ByteOrder.LITTLE_ENDIAN).putLong(shoff + 128 + 32, 1L << 40);
    assertThrows(InitramfsException.class, () -> ElfFile.parse("size", bad2));
    byte[] elf32 = ok.clone();
    elf32[4] = 1;
    assertThrows(InitramfsException.class, () -> ElfFile.parse("elf32", elf32));
  }
}

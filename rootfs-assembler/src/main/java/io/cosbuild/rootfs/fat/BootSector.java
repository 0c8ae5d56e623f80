package io.cosbuild.rootfs.fat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The FAT32 boot sector (sector 0, its backup in sector 6): the BIOS parameter block and its FAT32 extension.
 * Immutable and thread-safe.
 *
 * <table>
 * <caption>Byte layout (little-endian), one 512-byte sector</caption>
 * <tr><th>offset</th><th>size</th><th>field</th></tr>
 * <tr><td>0</td><td>3</td><td>jump to the boot code: EB 58 90</td></tr>
 * <tr><td>3</td><td>8</td><td>OEM name "cosbuild"</td></tr>
 * <tr><td>11</td><td>2</td><td>bytes per sector, 512</td></tr>
 * <tr><td>13</td><td>1</td><td>sectors per cluster</td></tr>
 * <tr><td>14</td><td>2</td><td>reserved sectors, 32</td></tr>
 * <tr><td>16</td><td>1</td><td>FATs, 2</td></tr>
 * <tr><td>17</td><td>2</td><td>root entries, 0 on FAT32</td></tr>
 * <tr><td>19</td><td>2</td><td>16-bit total sectors, 0 on FAT32</td></tr>
 * <tr><td>21</td><td>1</td><td>media descriptor 0xF8 (fixed disk)</td></tr>
 * <tr><td>22</td><td>2</td><td>16-bit FAT size, 0 on FAT32</td></tr>
 * <tr><td>24</td><td>2</td><td>sectors per track, 32</td></tr>
 * <tr><td>26</td><td>2</td><td>heads, 64</td></tr>
 * <tr><td>28</td><td>4</td><td>hidden sectors: the partition's first LBA</td></tr>
 * <tr><td>32</td><td>4</td><td>total sectors</td></tr>
 * <tr><td>36</td><td>4</td><td>sectors per FAT</td></tr>
 * <tr><td>40</td><td>2</td><td>extended flags, 0: the FATs are mirrored</td></tr>
 * <tr><td>42</td><td>2</td><td>version 0.0</td></tr>
 * <tr><td>44</td><td>4</td><td>root directory cluster, 2</td></tr>
 * <tr><td>48</td><td>2</td><td>FSInfo sector, 1</td></tr>
 * <tr><td>50</td><td>2</td><td>backup boot sector, 6</td></tr>
 * <tr><td>52</td><td>12</td><td>reserved, zero</td></tr>
 * <tr><td>64</td><td>1</td><td>drive number 0x80</td></tr>
 * <tr><td>65</td><td>1</td><td>reserved, zero</td></tr>
 * <tr><td>66</td><td>1</td><td>extended boot signature 0x29: the next three fields are valid</td></tr>
 * <tr><td>67</td><td>4</td><td>volume ID</td></tr>
 * <tr><td>71</td><td>11</td><td>volume label, space-padded</td></tr>
 * <tr><td>82</td><td>8</td><td>file system type "FAT32   " (informative only)</td></tr>
 * <tr><td>90</td><td>420</td><td>boot code: see {@link #BOOT_CODE}, then zeros</td></tr>
 * <tr><td>510</td><td>2</td><td>signature 55 AA</td></tr>
 * </table>
 *
 * <p>CHS geometry is fixed at 64 heads of 32 sectors (mkfs.fat picks it from the size; UEFI and Linux ignore it).
 *
 * @param geometry the filesystem's layout
 * @param hiddenSectors BPB_HiddSec
 * @param volumeId BS_VolID
 * @param paddedLabel the 11 characters of BS_VolLab
 */
record BootSector(FatGeometry geometry, long hiddenSectors, int volumeId, String paddedLabel) {

  static final int BACKUP_SECTOR = 6;
  static final int FSINFO_SECTOR = 1;
  static final long ROOT_CLUSTER = 2;
  /**
   * Not bootable by a BIOS: {@code int 18h} asks it for the next boot device, {@code hlt; jmp $-1} stops if it
   * returns. UEFI reads only the parameters.
   */
  private static final byte[] BOOT_CODE = {(byte) 0xCD, 0x18, (byte) 0xF4, (byte) 0xEB, (byte) 0xFD};

  BootSector {
    if (paddedLabel.length() != 11) {
      throw new IllegalArgumentException("a padded label has 11 characters: \"" + paddedLabel + "\"");
    }
  }

  byte[] toBytes() {
    byte[] b = new byte[FatGeometry.SECTOR];
    ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    le.put(new byte[] {(byte) 0xEB, 0x58, (byte) 0x90}).put("cosbuild".getBytes(StandardCharsets.US_ASCII));
    le.putShort(11, (short) FatGeometry.SECTOR).put(13, (byte) geometry.sectorsPerCluster());
    le.putShort(14, (short) FatGeometry.RESERVED_SECTORS).put(16, (byte) FatGeometry.FATS).put(21, (byte) 0xF8);
    le.putShort(24, (short) 32).putShort(26, (short) 64).putInt(28, (int) hiddenSectors);
    le.putInt(32, (int) geometry.sectors()).putInt(36, (int) geometry.fatSectors()).putInt(44, (int) ROOT_CLUSTER);
    le.putShort(48, (short) FSINFO_SECTOR).putShort(50, (short) BACKUP_SECTOR);
    le.put(64, (byte) 0x80).put(66, (byte) 0x29).putInt(67, volumeId);
    le.put(71, paddedLabel.getBytes(StandardCharsets.US_ASCII)).put(82, "FAT32   ".getBytes(StandardCharsets.US_ASCII));
    le.put(90, BOOT_CODE);
    b[510] = 0x55;
    b[511] = (byte) 0xAA;
    return b;
  }
}

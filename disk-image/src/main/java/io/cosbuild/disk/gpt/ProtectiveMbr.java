package io.cosbuild.disk.gpt;

import io.cosbuild.disk.DiskImageException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The protective MBR in LBA 0 that makes MBR-only tools see one partition of type 0xEE covering the disk.
 * Immutable and thread-safe.
 *
 * <table>
 * <caption>Byte layout (little-endian), one 512-byte sector</caption>
 * <tr><th>offset</th><th>size</th><th>field</th></tr>
 * <tr><td>0</td><td>440</td><td>boot code, zero</td></tr>
 * <tr><td>440</td><td>4</td><td>disk signature, zero</td></tr>
 * <tr><td>444</td><td>2</td><td>zero</td></tr>
 * <tr><td>446</td><td>16</td><td>partition record 1: status 0x00, CHS start 00 02 00, type 0xEE, CHS end FF FF FF,
 *     first LBA 1, sector count min(disk sectors - 1, 0xFFFFFFFF)</td></tr>
 * <tr><td>462</td><td>48</td><td>partition records 2-4, zero</td></tr>
 * <tr><td>510</td><td>2</td><td>signature 0x55 0xAA</td></tr>
 * </table>
 *
 * @param sectorCount the sector count in the 0xEE record
 */
public record ProtectiveMbr(long sectorCount) {
  public ProtectiveMbr {
    if (sectorCount <= 0 || sectorCount > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("protective MBR sector count out of range: " + sectorCount);
    }
  }

  /** The protective MBR for a disk of {@code diskSectors} sectors. */
  public static ProtectiveMbr forDisk(long diskSectors) {
    return new ProtectiveMbr(Math.min(diskSectors - 1, 0xFFFF_FFFFL));
  }

  public byte[] toBytes() {
    byte[] b = new byte[512];
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    b[446] = 0x00;
    b[447] = 0x00;
    b[448] = 0x02;
    b[449] = 0x00;
    b[450] = (byte) 0xEE;
    b[451] = (byte) 0xFF;
    b[452] = (byte) 0xFF;
    b[453] = (byte) 0xFF;
    bb.putInt(454, 1).putInt(458, (int) sectorCount);
    b[510] = 0x55;
    b[511] = (byte) 0xAA;
    return b;
  }

  public static ProtectiveMbr parse(byte[] sector) throws DiskImageException {
    if ((sector[510] & 0xFF) != 0x55 || (sector[511] & 0xFF) != 0xAA) {
      throw new DiskImageException("LBA 0: no MBR signature 55 AA");
    }
    if ((sector[450] & 0xFF) != 0xEE) {
      throw new DiskImageException(String.format("LBA 0: first MBR partition has type %02x, not the protective 0xEE",
          sector[450] & 0xFF));
    }
    ByteBuffer bb = ByteBuffer.wrap(sector).order(ByteOrder.LITTLE_ENDIAN);
    if (bb.getInt(454) != 1) {
      throw new DiskImageException("LBA 0: protective MBR partition does not start at LBA 1");
    }
    long count = Integer.toUnsignedLong(bb.getInt(458));
    if (count == 0) {
      throw new DiskImageException("LBA 0: protective MBR partition has zero sectors");
    }
    return new ProtectiveMbr(count);
  }
}

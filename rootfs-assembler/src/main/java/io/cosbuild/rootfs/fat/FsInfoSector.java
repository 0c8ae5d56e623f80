package io.cosbuild.rootfs.fat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The FAT32 FSInfo sector (sector 1, its copy in sector 7). Immutable and thread-safe.
 *
 * <table>
 * <caption>Byte layout (little-endian), one 512-byte sector</caption>
 * <tr><th>offset</th><th>size</th><th>field</th></tr>
 * <tr><td>0</td><td>4</td><td>lead signature 0x41615252</td></tr>
 * <tr><td>4</td><td>480</td><td>reserved, zero</td></tr>
 * <tr><td>484</td><td>4</td><td>structure signature 0x61417272</td></tr>
 * <tr><td>488</td><td>4</td><td>free clusters (FSI_Free_Count)</td></tr>
 * <tr><td>492</td><td>4</td><td>where to look for a free cluster (FSI_Nxt_Free)</td></tr>
 * <tr><td>496</td><td>12</td><td>reserved, zero</td></tr>
 * <tr><td>508</td><td>4</td><td>trail signature 0xAA550000</td></tr>
 * </table>
 *
 * @param freeClusters the free cluster count
 * @param lastAllocated the last allocated cluster, stored as the free-cluster hint: that is what mkfs.fat,
 *     mtools and Linux store there (Linux searches from the cluster after it)
 */
record FsInfoSector(long freeClusters, long lastAllocated) {

  byte[] toBytes() {
    byte[] b = new byte[FatGeometry.SECTOR];
    ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    le.putInt(0, 0x41615252).putInt(484, 0x61417272).putInt(488, (int) freeClusters).putInt(492, (int) lastAllocated);
    le.putInt(508, 0xAA550000);
    return b;
  }
}

package io.cosbuild.rootfs.fat;

/**
 * What a FAT32 write produced. Immutable and thread-safe.
 *
 * @param clusters data clusters of the filesystem (numbered from 2)
 * @param bytesPerCluster bytes of one cluster
 * @param freeClusters clusters left free, as FSInfo records them
 * @param fatSectors 512-byte sectors of one of the two FATs
 */
public record FatResult(long clusters, int bytesPerCluster, long freeClusters, long fatSectors) {}

/**
 * FAT32 for the EFI system partition: {@link io.cosbuild.rootfs.fat.FatWriter} writes an
 * {@link io.cosbuild.rootfs.tree.FsTree} of directories and regular files with upper-case 8.3 names (no long
 * file names) as a filesystem of a given size, deterministically, laid out as mkfs.fat 4.2 lays it out. One class
 * per on-disk structure ({@code BootSector}, {@code FsInfoSector}, {@code DirectoryEntry}), each with its byte
 * layout; 512-byte sectors throughout.
 */
package io.cosbuild.rootfs.fat;

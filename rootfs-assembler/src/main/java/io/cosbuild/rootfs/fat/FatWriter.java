package io.cosbuild.rootfs.fat;

import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Writes an {@link FsTree} as a FAT32 filesystem, e.g. the EFI system partition holding
 * {@code /EFI/BOOT/BOOTX64.EFI}.
 *
 * <p>FAT keeps directories and regular files with 8.3 names and one time: owners, modes, xattrs and the nodes'
 * mtimes are not stored (FAT has none of them); every entry gets {@link FatOptions#mtime()}. Symlinks, devices,
 * fifos, sockets, hard links and names that would need a long-name entry are refused, naming the path.
 *
 * <p>Layout as mkfs.fat 4.2 makes it (see {@link FatGeometry}): 32 reserved sectors holding the boot sector,
 * FSInfo and their backups in sectors 6 and 7, two identical FATs, the root directory at cluster 2. Every
 * directory and file is one contiguous run of clusters, given in the tree's order (a directory before what it
 * holds, siblings by name), and each directory lists its entries in that order. So the same tree and options
 * give the same bytes.
 *
 * <p>Where an empty filesystem differs from {@code mkfs.fat -F 32 -R 32 -g 64/32} of the same size, on purpose:
 * the OEM name and boot code; chains end in 0x0FFFFFFF (mkfs.fat ends the root's in 0x0FFFFFF8; both mean end
 * of chain); the total sectors are the size given (mkfs.fat rounds down to whole tracks, which changes nothing
 * for sizes in whole 16 KiB); fewer than 65525 clusters are refused (mkfs.fat only warns); and without
 * {@code -g} mkfs.fat picks the CHS geometry from the size, where here it is always 64 heads of 32 sectors.
 *
 * <p>Stateless and thread-safe; the caller owns and closes the channel.
 */
public final class FatWriter {

  private static final int SECTOR = FatGeometry.SECTOR;
  private static final int CHUNK = 1 << 20;
  private static final int MAX_DIRECTORY_ENTRIES = 65536;
  private static final long MAX_FILE_SIZE = 0xFFFF_FFFFL;
  private static final long MIB = 1 << 20;

  private FatWriter() {}

  /**
   * Writes the tree as a FAT32 filesystem of exactly {@code size} bytes at byte {@code offset} of {@code out}
   * (a partition inside a disk image, or 0). Written are the reserved sectors and both FATs in full, and each
   * directory's and file's clusters (a directory's zero-filled after its last entry, a file's last one after its
   * last byte); free clusters are not, so the region must already read as zeros (a new, sparse file does). The
   * channel is extended to {@code offset + size} if it is shorter. Everything refused is refused before the first
   * byte is written. File contents are streamed from their blobs in chunks.
   *
   * @param size a multiple of 512, at most 32 GiB, giving at least 65525 clusters
   * @throws FatException if the tree holds what FAT cannot store, or the size is wrong for FAT32 or too small
   *     for the tree; the message names the path, or the size that would do
   */
  public static FatResult write(FsTree tree, FileChannel out, long offset, long size, FatOptions options)
      throws IOException, FatException {
    if (offset < 0 || offset % SECTOR != 0) {
      throw new IllegalArgumentException("offset must be a non-negative multiple of 512: " + offset);
    }
    if (size < 0 || size % SECTOR != 0) {
      throw new IllegalArgumentException("size must be a non-negative multiple of 512: " + size);
    }
    checkNodes(tree);
    FatGeometry geometry = FatGeometry.forSize(size);
    if (geometry.clusters() < FatGeometry.MIN_CLUSTERS) {
      throw new FatException(size + " bytes give " + geometry.clusters() + " clusters; FAT32 needs at least "
          + FatGeometry.MIN_CLUSTERS + sizeAdvice(tree));
    }
    long needed = ClusterAllocation.clustersNeeded(tree, geometry.clusterBytes());
    if (needed > geometry.clusters()) {
      throw new FatException("the tree needs " + needed + " clusters of " + geometry.clusterBytes() + " bytes ("
          + needed * geometry.clusterBytes() + " bytes) but " + size + " bytes give only " + geometry.clusters()
          + sizeAdvice(tree));
    }
    ClusterAllocation allocation = ClusterAllocation.plan(tree, geometry.clusterBytes());
    return new Run(tree, out, offset, geometry, allocation, options).write();
  }

  private static void checkNodes(FsTree tree) throws FatException {
    for (Map.Entry<FsPath, FsNode> e : tree.entries().entrySet()) {
      FsPath path = e.getKey();
      FsNode node = e.getValue();
      if (node instanceof FsNode.Directory) {
        int entries = ClusterAllocation.entryCount(tree, path);
        if (entries > MAX_DIRECTORY_ENTRIES) {
          throw new FatException(path + ": " + entries + " directory entries; a FAT directory holds at most "
              + MAX_DIRECTORY_ENTRIES);
        }
      } else if (node instanceof FsNode.RegularFile f) {
        if (f.linkGroup() != 0) {
          throw new FatException(path + ": a hard-linked file cannot be stored; FAT has no links");
        }
        if (f.blob().size() > MAX_FILE_SIZE) {
          throw new FatException(path + ": " + f.blob().size() + " bytes is larger than a FAT file can be ("
              + MAX_FILE_SIZE + " bytes)");
        }
      } else {
        throw new FatException(path + ": a " + kind(node) + " cannot be stored; FAT keeps only directories and"
            + " regular files");
      }
      if (!path.isRoot()) {
        try {
          new ShortName(path.name());
        } catch (IllegalArgumentException bad) {
          throw new FatException(path + ": only upper-case 8.3 names are supported (no long file names): "
              + bad.getMessage());
        }
      }
    }
  }

  private static String kind(FsNode node) {
    if (node instanceof FsNode.Symlink) {
      return "symlink";
    } else if (node instanceof FsNode.Device d) {
      return d.block() ? "block device" : "character device";
    } else if (node instanceof FsNode.Fifo) {
      return "fifo";
    }
    return "socket";
  }

  private static String sizeAdvice(FsTree tree) {
    OptionalLong smallest = FatGeometry.smallestSize(cluster -> ClusterAllocation.clustersNeeded(tree, cluster));
    if (smallest.isEmpty()) {
      return "; the tree does not fit in 32 GiB, the largest FAT32 filesystem written here";
    }
    return "; give at least " + smallest.getAsLong() / MIB + " MiB (" + smallest.getAsLong() + " bytes)";
  }

  /** One filesystem being written. */
  private static final class Run {
    private final FsTree tree;
    private final FileChannel out;
    private final long offset;
    private final FatGeometry geometry;
    private final ClusterAllocation allocation;
    private final FatOptions options;
    private final FatTimestamp time;
    /** File contents pass through here: direct, so reads and writes need no temporary copy in the JDK. */
    private final ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
    private final ByteBuffer zeros;

    Run(FsTree tree, FileChannel out, long offset, FatGeometry geometry, ClusterAllocation allocation,
        FatOptions options) {
      this.tree = tree;
      this.out = out;
      this.offset = offset;
      this.geometry = geometry;
      this.allocation = allocation;
      this.options = options;
      this.time = FatTimestamp.ofEpochSecond(options.mtime());
      this.zeros = ByteBuffer.allocate(geometry.clusterBytes());
    }

    /** Data first and the boot sector last, so an interrupted write leaves no filesystem signature behind. */
    FatResult write() throws IOException {
      for (Map.Entry<FsPath, FsNode> e : tree.entries().entrySet()) {
        if (e.getValue() instanceof FsNode.Directory) {
          writeDirectory(e.getKey());
        } else if (e.getValue() instanceof FsNode.RegularFile f && f.blob().size() > 0) {
          writeFile(e.getKey(), f);
        }
      }
      writeFats();
      long free = geometry.clusters() - allocation.usedClusters();
      writeReservedSectors(new FsInfoSector(free, 1 + allocation.usedClusters()));
      long end = offset + geometry.sectors() * SECTOR;
      if (out.size() < end) {
        writeFully(ByteBuffer.allocate(1), end - 1);
      }
      return new FatResult(geometry.clusters(), geometry.clusterBytes(), free, geometry.fatSectors());
    }

    private void writeDirectory(FsPath dir) throws IOException {
      long first = allocation.firstCluster(dir);
      long clusters = ClusterAllocation.clustersOf(tree, dir, tree.get(dir).orElseThrow(), geometry.clusterBytes());
      ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(clusters * geometry.clusterBytes()));
      if (dir.isRoot()) {
        b.put(DirectoryEntry.volumeLabel(options.paddedLabel(), time).toBytes());
      } else {
        // ".." of a directory in the root holds 0, not the root's cluster, as the FAT specification asks.
        long parent = dir.parent().isRoot() ? 0 : allocation.firstCluster(dir.parent());
        b.put(DirectoryEntry.directory(".          ", first, time).toBytes());
        b.put(DirectoryEntry.directory("..         ", parent, time).toBytes());
      }
      for (String name : tree.children(dir)) {
        FsPath child = dir.resolve(name);
        ShortName shortName = new ShortName(name);
        long cluster = allocation.firstCluster(child);
        DirectoryEntry entry = tree.get(child).orElseThrow() instanceof FsNode.RegularFile f
            ? DirectoryEntry.file(shortName, cluster, f.blob().size(), time)
            : DirectoryEntry.directory(shortName.padded(), cluster, time);
        b.put(entry.toBytes());
      }
      writeFully(b.clear(), clusterPosition(first));
    }

    private void writeFile(FsPath path, FsNode.RegularFile f) throws IOException {
      long size = f.blob().size();
      long at = clusterPosition(allocation.firstCluster(path));
      try (FileChannel in = f.blob().openChannel()) {
        for (long done = 0; done < size; ) {
          chunk.clear().limit((int) Math.min(CHUNK, size - done));
          while (chunk.hasRemaining()) {
            if (in.read(chunk, done + chunk.position()) < 0) {
              throw new IOException(path + ": " + f.blob().location() + " ended after " + (done + chunk.position())
                  + " of its " + size + " bytes; it changed while the image was written");
            }
          }
          writeFully(chunk.flip(), at + done);
          done += chunk.limit();
        }
      }
      int tail = (int) (size % geometry.clusterBytes());
      if (tail > 0) {
        writeFully(zeros.clear().limit(geometry.clusterBytes() - tail), at + size);
      }
    }

    /** Both FATs in full, including the entries past the last cluster that fill the last sector. */
    private void writeFats() throws IOException {
      ByteBuffer b = ByteBuffer.allocate(CHUNK / 16).order(ByteOrder.LITTLE_ENDIAN);
      long entries = geometry.fatSectors() * SECTOR / 4;
      for (long first = 0; first < entries; first += b.capacity() / 4) {
        b.clear();
        for (long i = first; i < Math.min(entries, first + b.capacity() / 4); i++) {
          b.putInt(allocation.fatEntry(i));
        }
        b.flip();
        for (int copy = 0; copy < FatGeometry.FATS; copy++) {
          writeFully(b.duplicate(), offset + geometry.firstFatSector(copy) * SECTOR + first * 4);
        }
      }
    }

    private void writeReservedSectors(FsInfoSector fsInfo) throws IOException {
      ByteBuffer b = ByteBuffer.allocate(FatGeometry.RESERVED_SECTORS * SECTOR);
      byte[] boot = new BootSector(geometry, options.hiddenSectors(), options.volumeId(), options.paddedLabel())
          .toBytes();
      byte[] info = fsInfo.toBytes();
      b.put(0, boot).put(BootSector.FSINFO_SECTOR * SECTOR, info);
      b.put(BootSector.BACKUP_SECTOR * SECTOR, boot).put((BootSector.BACKUP_SECTOR + BootSector.FSINFO_SECTOR) * SECTOR,
          info);
      writeFully(b, offset);
    }

    private long clusterPosition(long cluster) {
      return offset + geometry.clusterSector(cluster) * SECTOR;
    }

    private void writeFully(ByteBuffer b, long position) throws IOException {
      for (long at = position; b.hasRemaining(); ) {
        at += out.write(b, at);
      }
    }
  }
}

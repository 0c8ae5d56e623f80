package io.cosbuild.rootfs.ext4;

import io.cosbuild.rootfs.tree.Blob;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.HostHoles;
import io.cosbuild.rootfs.tree.NodeMetadata;
import io.cosbuild.rootfs.tree.Xattr;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongConsumer;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * Writes an {@link FsTree} as an ext4 filesystem with the features of bookworm's mke2fs defaults
 * (4 KiB blocks, extents, 64bit, flex_bg, sparse_super, large_file, huge_file, dir_nlink,
 * extra_isize, metadata_csum, dir_index, filetype, ext_attr, optional has_journal) except
 * resize_inode, which is left out: these images are never grown offline.
 *
 * <p>Deterministic: the same tree and options give the same bytes. The UUID (unless given) and the
 * directory hash seed derive from a SHA-256 of the tree's metadata and a 64-bit fingerprint (CRC-32C
 * and CRC-32) of each file's content, taken while copying it; times come from the source date epoch (0
 * if none), mtimes are clamped to it; inode numbers follow the tree's sorted order.
 *
 * <p>Streaming: inode numbers and the layout are planned first, then every file's data is copied
 * from its blob straight to its blocks (all-zero 4 KiB blocks become holes, as {@code mke2fs -d}
 * does), then directories, extent and xattr blocks, inode tables one group at a time, and bitmaps
 * and superblocks last.
 *
 * <p>Computed size: data blocks (file sizes rounded up to blocks, ignoring holes) + directory,
 * symlink, xattr and extent blocks + all group metadata + journal, then +10% and +1 MiB.
 *
 * <p>Stateless and thread-safe; the caller owns and closes the channel.
 */
public final class Ext4Writer {

  private static final int BS = Ext4Layout.BLOCK_SIZE;
  private static final int ROOT_INO = 2;
  private static final int JOURNAL_INO = 8;
  private static final int FIRST_INO = 11;
  /** The most links of one inode that the kernel makes or accepts (fs/ext4/ext4.h). */
  private static final int EXT4_LINK_MAX = 65000;
  private static final int CHUNK = 1 << 20;
  private static final byte[] ZERO_BLOCK = new byte[BS];
  private static final LongConsumer NO_PROGRESS = bytes -> { };

  private Ext4Writer() {}

  /** Writes the tree as the whole content of {@code out}, which is truncated first. */
  public static Ext4Result write(FsTree tree, FileChannel out, Ext4Options options) throws IOException, Ext4Exception {
    return write(tree, out, options, NO_PROGRESS);
  }

  /**
   * As {@link #write(FsTree, FileChannel, Ext4Options)}; {@code progress} is told, after each file, how many bytes of
   * file content are copied (of {@link FsTree#contentBytes()}), for a display.
   */
  public static Ext4Result write(FsTree tree, FileChannel out, Ext4Options options, LongConsumer progress)
      throws IOException, Ext4Exception {
    out.truncate(0);
    return new Run(tree, out, 0, options, false, progress).write();
  }

  /**
   * Writes the tree at byte {@code offset} of {@code out} (e.g. a partition inside a disk image).
   * Blocks this writer does not write are left alone, so that region must already read as zeros
   * (a new, sparse file does).
   */
  public static Ext4Result write(FsTree tree, FileChannel out, long offset, Ext4Options options)
      throws IOException, Ext4Exception {
    if (offset < 0 || offset % 512 != 0) {
      throw new IllegalArgumentException("offset must be a non-negative multiple of 512: " + offset);
    }
    return new Run(tree, out, offset, options, false, NO_PROGRESS).write();
  }

  /**
   * Writes the tree over whatever {@code device} holds (a block device, a used partition), as
   * {@code mke2fs -d} does: a filesystem of {@code options.sizeBytes()} from byte 0. What {@link
   * #write(FsTree, FileChannel, long, Ext4Options)} leaves to a new file's zeros is zeroed here too (the
   * inode tables of groups without inodes, the journal, whose stale blocks a crash recovery could replay).
   * Block 0 is zeroed and flushed first and the primary superblock written last, after a flush, so a
   * failed or killed run leaves nothing the kernel mounts, never a mix of the old filesystem and the new.
   *
   * @throws Ext4Exception if no size is given or the device is smaller than it
   */
  public static Ext4Result writeOnto(FsTree tree, FileChannel device, Ext4Options options)
      throws IOException, Ext4Exception {
    return writeOnto(tree, device, options, NO_PROGRESS);
  }

  /** As {@link #writeOnto(FsTree, FileChannel, Ext4Options)}, with {@code progress} as for {@link #write}. */
  public static Ext4Result writeOnto(FsTree tree, FileChannel device, Ext4Options options, LongConsumer progress)
      throws IOException, Ext4Exception {
    if (options.sizeBytes() == 0) {
      throw new Ext4Exception("ext4: writing over a device needs the filesystem's size");
    }
    if (device.size() < options.sizeBytes()) {
      throw new Ext4Exception("ext4: the device holds " + device.size() + " bytes, fewer than the filesystem's "
          + options.sizeBytes());
    }
    Run run = new Run(tree, device, 0, options, true, progress);
    run.planFitting(); // what is refused up front leaves the device as it was
    for (ByteBuffer zero = ByteBuffer.wrap(ZERO_BLOCK); zero.hasRemaining(); ) {
      device.write(zero, zero.position());
    }
    device.force(false);
    return run.write();
  }

  /**
   * An empty filesystem (root directory and lost+found only) of {@code options.sizeBytes()}: for
   * the writable STATE and OEM partitions, normally with {@link Ext4Options#writable(long)}.
   */
  public static Ext4Result formatEmpty(FileChannel out, long offset, Ext4Options options)
      throws IOException, Ext4Exception {
    if (options.sizeBytes() == 0) {
      throw new Ext4Exception("ext4: an empty filesystem needs a size");
    }
    long t = options.sourceDateEpoch().orElse(0);
    FsTree empty = new FsTreeBuilder(NodeMetadata.of(0755, 0, 0, t)).build();
    return write(empty, out, offset, options);
  }

  /** {@link #formatEmpty(FileChannel, long, Ext4Options)} into the whole, truncated channel. */
  public static Ext4Result formatEmpty(FileChannel out, Ext4Options options) throws IOException, Ext4Exception {
    out.truncate(0);
    return formatEmpty(out, 0, options);
  }

  /** The ext4 dirent file type of a node. */
  static int direntType(FsNode n) {
    if (n instanceof FsNode.RegularFile) {
      return 1;
    } else if (n instanceof FsNode.Directory) {
      return 2;
    } else if (n instanceof FsNode.Device d) {
      return d.block() ? 4 : 3;
    } else if (n instanceof FsNode.Fifo) {
      return 5;
    } else if (n instanceof FsNode.Socket) {
      return 6;
    }
    return 7;
  }

  /** One image being written. */
  private static final class Run {
    private final FsTree tree;
    private final FileChannel out;
    private final long offset;
    /** Whether the region holds old bytes rather than zeros: {@link #writeOnto}. */
    private final boolean overwrite;
    private final Ext4Options options;
    private final LongConsumer progress;
    private final long time;
    private final Map<FsPath, Integer> inodeOf = new HashMap<>();
    private final List<FsPath> byInode = new ArrayList<>(); // index ino - FIRST_INO; null = lost+found
    private final boolean syntheticLostFound;
    private final int lastIno;
    private byte[] uuid;
    private Ext4Checksum csum;
    private DirHash hasher;
    private Ext4Layout layout;
    private int[] usedDirs;
    private byte[] table;
    private int tableGroup = -1;
    private boolean[] tableWritten;
    /** A chunk of zeros for {@link #writeZeros} and holes in sources; see {@link #zeros()}. */
    private ByteBuffer zeros;
    /** File contents pass through here: direct, so reads and writes need no temporary copy in the JDK. */
    private final ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    /** Views of {@link #chunk} for reading into and writing out of; chunk itself keeps its full limit. */
    private final ByteBuffer chunkIn = chunk.duplicate();
    private final ByteBuffer chunkOut = chunk.duplicate();
    private final ByteBuffer chunkHash = chunk.duplicate();
    /** Per inode (index ino - FIRST_INO), the placed data of regular files; null for the others. */
    private FileData[] fileData;

    Run(FsTree tree, FileChannel out, long offset, Ext4Options options, boolean overwrite, LongConsumer progress)
        throws Ext4Exception {
      this.tree = tree;
      this.progress = progress;
      this.out = out;
      this.offset = offset;
      this.overwrite = overwrite;
      this.options = options;
      this.time = options.sourceDateEpoch().orElse(0);
      FsPath lpf = FsPath.ROOT.resolve("lost+found");
      FsNode existing = tree.get(lpf).orElse(null);
      if (existing != null && !(existing instanceof FsNode.Directory)) {
        throw new Ext4Exception("ext4: /lost+found in the tree is not a directory; e2fsck needs it to be one");
      }
      syntheticLostFound = existing == null;
      int next = FIRST_INO;
      if (syntheticLostFound) {
        byInode.add(null);
        next++;
      }
      inodeOf.put(FsPath.ROOT, ROOT_INO);
      Map<Integer, Integer> groups = new HashMap<>();
      for (Map.Entry<FsPath, FsNode> e : tree.entries().entrySet()) {
        if (e.getKey().isRoot()) {
          continue;
        }
        if (e.getValue() instanceof FsNode.RegularFile f && f.linkGroup() != 0) {
          Integer seen = groups.get(f.linkGroup());
          if (seen != null) {
            inodeOf.put(e.getKey(), seen);
            continue;
          }
          groups.put(f.linkGroup(), next);
        }
        inodeOf.put(e.getKey(), next++);
        byInode.add(e.getKey());
      }
      lastIno = next - 1;
    }

    /**
     * Lays the filesystem out and checks every node against what ext4 can store, before a byte is
     * written: a refusal known in advance (size, inode count, symlink length, xattrs, file size) must
     * not cost the old contents of a device. Only a filesystem that fills up is found while writing.
     */
    void plan() throws Ext4Exception {
      for (Map.Entry<FsPath, FsNode> e : tree.entries().entrySet()) {
        FsNode n = e.getValue();
        List<Xattr> xattrs = n.metadata().xattrs();
        // What fits no block fits no inode either; encoding also refuses names ext4 cannot store.
        if (!xattrs.isEmpty() && !XattrBlock.fitsBlock(xattrs, e.getKey().toString())) {
          throw new Ext4Exception(e.getKey() + ": extended attributes exceed one 4 KiB block");
        }
        if (n instanceof FsNode.Symlink s) {
          int length = s.target().getBytes(StandardCharsets.UTF_8).length;
          if (length >= BS) {
            throw new Ext4Exception(e.getKey() + ": symlink target of " + length + " bytes is longer than 4095");
          }
        } else if (n instanceof FsNode.RegularFile f) {
          if ((f.blob().size() + BS - 1) / BS > 1L << 32) {
            throw new Ext4Exception(e.getKey() + ": " + f.blob().size() + " bytes is larger than ext4 files with 4 KiB"
                + " blocks can be");
          }
          int links = tree.linkCount(f); // a directory past the limit counts 1 (dir_nlink), a file cannot
          if (links > EXT4_LINK_MAX) {
            throw new Ext4Exception(e.getKey() + ": " + links + " hard links; ext4 allows at most " + EXT4_LINK_MAX);
          }
        }
      }
      long blocks = options.sizeBytes() > 0 ? options.sizeBytes() / BS : computeBlocks();
      long inodes = lastIno;
      if (options.inodeRatio() > 0) {
        inodes = Math.max(inodes, blocks * BS / options.inodeRatio());
      } else {
        inodes = inodes + inodes / 50 + 16;
      }
      layout = Ext4Layout.plan(blocks, Math.min(inodes, (long) Ext4Layout.groupsFor(blocks) * Ext4Layout.MAX_INODES_PER_GROUP));
      if (lastIno > (long) layout.groups * layout.inodesPerGroup) {
        throw new Ext4FullException("ext4: the filesystem of " + layout.blocks * BS + " bytes has "
            + (long) layout.groups * layout.inodesPerGroup + " inodes, fewer than the tree's " + lastIno);
      }
    }

    /** {@link #plan()}, saying when the tree does not fit how large the computed size would be. */
    void planFitting() throws Ext4Exception {
      try {
        plan();
      } catch (Ext4FullException e) {
        throw withComputedSize(e);
      }
    }

    Ext4Result write() throws IOException, Ext4Exception {
      try {
        return writeAll();
      } catch (Ext4FullException e) {
        throw withComputedSize(e);
      }
    }

    private Ext4FullException withComputedSize(Ext4FullException e) {
      if (e.computedBytes() > 0 || options.sizeBytes() == 0) {
        return e; // a computed size that does not fit has no better one to suggest
      }
      long computed;
      try {
        computed = computeBlocks() * BS;
      } catch (Ext4Exception noSize) { // the tree fits no ext4 this writer makes: the failure as it was says enough
        e.addSuppressed(noSize);
        return e;
      }
      Ext4FullException full = new Ext4FullException(e.getMessage(), computed);
      full.setStackTrace(e.getStackTrace());
      return full;
    }

    private Ext4Result writeAll() throws IOException, Ext4Exception {
      if (layout == null) {
        plan();
      }
      usedDirs = new int[layout.groups];
      tableWritten = new boolean[layout.groups];
      int journalBlocks = 0;
      int[] jnlBackup = new int[17];

      // File data first, fingerprinted while it is copied: the UUID, which seeds every metadata
      // checksum and the directory hash, derives from those fingerprints, so no file is read twice.
      fileData = new FileData[byInode.size()];
      long copied = 0;
      for (int i = 0; i < byInode.size(); i++) {
        FsPath p = byInode.get(i);
        if (p != null && tree.get(p).orElseThrow() instanceof FsNode.RegularFile f) {
          fileData[i] = copyData(p.toString(), f);
          copied += f.blob().size();
          progress.accept(copied);
        }
      }
      identity();
      writeDirectory(FsPath.ROOT, ROOT_INO, tree.root(), tree.directoryLinkCount(FsPath.ROOT) + (syntheticLostFound ? 1 : 0));
      if (options.journal()) {
        journalBlocks = JournalSuperblock.defaultBlocks(layout.blocks);
        Inode j = writeJournal(journalBlocks);
        ByteBuffer jb = ByteBuffer.wrap(j.block()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 15; i++) {
          jnlBackup[i] = jb.getInt(4 * i);
        }
        jnlBackup[15] = (int) (j.size() >>> 32);
        jnlBackup[16] = (int) j.size();
      }
      for (int i = 0; i < byInode.size(); i++) {
        int ino = FIRST_INO + i;
        FsPath p = byInode.get(i);
        if (p == null) {
          writeLostFound(ino);
          continue;
        }
        FsNode n = tree.get(p).orElseThrow();
        String where = p.toString();
        if (n instanceof FsNode.Directory d) {
          writeDirectory(p, ino, d, tree.directoryLinkCount(p));
        } else if (n instanceof FsNode.RegularFile f) {
          writeFileInode(where, ino, f, fileData[i]);
        } else if (n instanceof FsNode.Symlink s) {
          writeSymlink(where, ino, s);
        } else {
          writeSpecial(where, ino, n);
        }
      }
      flushTable();
      return finish(journalBlocks, jnlBackup);
    }

    private void identity() {
      MessageDigest md = sha256();
      md.update("cosbuild-ext4-uuid\0".getBytes(StandardCharsets.UTF_8));
      md.update(options.label().getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      ByteBuffer num = ByteBuffer.allocate(8);
      for (Map.Entry<FsPath, FsNode> e : tree.entries().entrySet()) {
        FsNode n = e.getValue();
        NodeMetadata m = n.metadata();
        md.update(e.getKey().toString().getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        // The mtime as stored (clamped to the source date epoch): a checkout made later, with newer mtimes,
        // must give the same UUID, as it gives the same inodes.
        for (long v : new long[] {n.mode(), m.uid(), m.gid(), mtime(m)}) {
          md.update(num.clear().putLong(v).array());
        }
        if (n instanceof FsNode.RegularFile f) {
          FileData data = fileData[inodeOf.get(e.getKey()) - FIRST_INO];
          md.update(num.clear().putLong(f.blob().size()).array());
          md.update(num.clear().putLong(data.fingerprint()).array());
          md.update(num.clear().putLong(f.linkGroup()).array());
        } else if (n instanceof FsNode.Symlink s) {
          md.update(s.target().getBytes(StandardCharsets.UTF_8));
        } else if (n instanceof FsNode.Device d) {
          md.update(num.clear().putLong(d.encodedDevice()).array());
        }
        for (Xattr x : m.xattrs()) {
          md.update(x.name().getBytes(StandardCharsets.UTF_8));
          md.update((byte) 0);
          md.update(x.value());
        }
        md.update((byte) 0);
      }
      byte[] d = md.digest();
      if (options.uuid().isPresent()) {
        UUID u = options.uuid().get();
        uuid = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
      } else {
        uuid = Arrays.copyOf(d, 16);
        uuid[6] = (byte) ((uuid[6] & 0x0f) | 0x50);
        uuid[8] = (byte) ((uuid[8] & 0x3f) | 0x80);
      }
      MessageDigest seed = sha256();
      seed.update("cosbuild-ext4-hash-seed\0".getBytes(StandardCharsets.UTF_8));
      seed.update(uuid);
      byte[] s = Arrays.copyOf(seed.digest(), 16);
      hashSeed = s;
      ByteBuffer sb = ByteBuffer.wrap(s).order(ByteOrder.LITTLE_ENDIAN);
      hasher = new DirHash(new int[] {sb.getInt(0), sb.getInt(4), sb.getInt(8), sb.getInt(12)}, false);
      csum = new Ext4Checksum(uuid);
    }

    private byte[] hashSeed;

    /** Blocks for a computed size; see the class comment for the margin. */
    private long computeBlocks() throws Ext4Exception {
      long data = 0;
      java.util.Set<Integer> seen = new java.util.HashSet<>();
      for (Map.Entry<FsPath, FsNode> e : tree.entries().entrySet()) {
        FsNode n = e.getValue();
        if (n instanceof FsNode.RegularFile f) {
          if (f.linkGroup() != 0 && !seen.add(f.linkGroup())) {
            continue;
          }
          long b = (f.blob().size() + BS - 1) / BS;
          data += b + (b > 4L * ExtentTree.MAX_LEN ? b / (340L * ExtentTree.MAX_LEN) + 2 : 0);
        } else if (n instanceof FsNode.Symlink s && s.target().getBytes(StandardCharsets.UTF_8).length >= 60) {
          data++;
        } else if (n instanceof FsNode.Directory) {
          long bytes = 24;
          for (String c : tree.children(e.getKey())) {
            bytes += DirectoryBlock.recLen(c.getBytes(StandardCharsets.UTF_8).length);
          }
          long leaves = bytes / 3800 + 1;
          data += leaves + (leaves > 1 ? 1 + leaves / 500 : 0);
        }
        if (!n.metadata().xattrs().isEmpty()) {
          data++;
        }
      }
      data += 4; // lost+found
      long inodes = options.inodeRatio() > 0 ? 0 : lastIno + lastIno / 50 + 16;
      long blocks = data;
      for (int i = 0; i < 20; i++) {
        long ino = options.inodeRatio() > 0 ? Math.max(lastIno, blocks * BS / options.inodeRatio()) : inodes;
        int groups = Math.max(Ext4Layout.groupsFor(blocks),
            (int) ((ino + Ext4Layout.MAX_INODES_PER_GROUP - 1) / Ext4Layout.MAX_INODES_PER_GROUP));
        int ipg = Ext4Layout.inodesPerGroup(ino, groups);
        long need = data + Ext4Layout.metadataBlocks(groups, ipg)
            + (options.journal() ? JournalSuperblock.defaultBlocks(blocks) : 0);
        long next = need + need / 10 + (1 << 20) / BS;
        next = Math.max(next, (long) (groups - 1) * Ext4Layout.BLOCKS_PER_GROUP + 4096);
        next = Math.max(next, 2048);
        if (next <= blocks) {
          return blocks;
        }
        blocks = next;
      }
      return blocks;
    }

    // ---- inodes -------------------------------------------------------------------------------

    private void putInode(long ino, Inode inode) throws IOException {
      int g = (int) ((ino - 1) / layout.inodesPerGroup);
      if (g != tableGroup) {
        flushTable();
        tableGroup = g;
        table = new byte[layout.itableBlocks * BS];
      }
      int idx = (int) ((ino - 1) % layout.inodesPerGroup);
      inode.writeTo(table, idx * Inode.SIZE, csum, ino);
    }

    private void flushTable() throws IOException {
      if (table != null) {
        writeAt(layout.inodeTable[tableGroup], table, 0, table.length);
        tableWritten[tableGroup] = true;
        table = null;
      }
    }

    /** Zeroes {@code count} blocks from {@code block}: only over old content. */
    private void writeZeros(long block, long count) throws IOException {
      ByteBuffer z = zeros();
      for (long done = 0; done < count; ) {
        int n = (int) Math.min(count - done, CHUNK / BS);
        z.clear().limit(n * BS);
        long pos = offset + (block + done) * BS;
        while (z.hasRemaining()) {
          pos += out.write(z, pos);
        }
        done += n;
      }
    }

    /** A chunk of zeros, made on first use (only over old content or for a source with holes). */
    private ByteBuffer zeros() {
      if (zeros == null) {
        zeros = ByteBuffer.allocateDirect(CHUNK);
      }
      return zeros;
    }

    private void writeAt(long block, byte[] data, int off, int len) throws IOException {
      ByteBuffer b = ByteBuffer.wrap(data, off, len);
      long pos = offset + block * BS;
      while (b.hasRemaining()) {
        pos += out.write(b, pos);
      }
    }

    private long mtime(NodeMetadata m) {
      return options.sourceDateEpoch().isPresent() ? Math.min(m.mtime(), time) : m.mtime();
    }

    private Inode inode(FsNode n, long size, int links, long sectors, int flags, byte[] iBlock, String where,
        long ino) throws IOException, Ext4Exception {
      NodeMetadata m = n.metadata();
      byte[] area = XattrBlock.inInode(m.xattrs(), Inode.SIZE - Inode.XATTR_OFFSET, where);
      long acl = 0;
      if (area == null) {
        acl = layout.allocateOne(where + " xattrs");
        writeAt(acl, XattrBlock.block(m.xattrs(), csum, acl, where), 0, BS);
        sectors += BS / 512;
        area = new byte[0];
      }
      return new Inode(n.mode(), m.uid(), m.gid(), size, time, time, mtime(m), links, sectors, flags, iBlock, acl,
          area);
    }

    /** Writes blocks contiguously where possible and returns their extents. */
    private List<ExtentTree.Extent> writeBlocks(List<byte[]> blocks, String what) throws IOException, Ext4Exception {
      List<ExtentTree.Extent> extents = new ArrayList<>();
      int i = 0;
      while (i < blocks.size()) {
        long[] run = layout.allocate(Math.min(blocks.size() - i, ExtentTree.MAX_LEN), what);
        for (int k = 0; k < run[1]; k++) {
          writeAt(run[0] + k, blocks.get(i + k), 0, BS);
        }
        extents.add(new ExtentTree.Extent(i, run[0], (int) run[1]));
        i += run[1];
      }
      return extents;
    }

    private ExtentTree.Built tree(List<ExtentTree.Extent> extents, long ino, String where)
        throws IOException, Ext4Exception {
      List<Ext4Exception> failure = new ArrayList<>();
      ExtentTree.Built built = ExtentTree.build(extents, () -> {
        try {
          return layout.allocateOne(where + " extent tree");
        } catch (Ext4Exception e) {
          failure.add(e);
          return 0;
        }
      }, csum, ino);
      if (!failure.isEmpty()) {
        throw failure.get(0);
      }
      for (int i = 0; i < built.blocks().size(); i++) {
        writeAt(built.blockNumbers()[i], built.blocks().get(i), 0, BS);
      }
      return built;
    }

    private void writeDirectory(FsPath p, int ino, FsNode.Directory d, int links) throws IOException, Ext4Exception {
      String where = p.toString();
      int parent = p.isRoot() ? ROOT_INO : inodeOf.get(p.parent());
      List<DirectoryBlock.Entry> entries = new ArrayList<>();
      if (p.isRoot() && syntheticLostFound) {
        entries.add(new DirectoryBlock.Entry("lost+found".getBytes(StandardCharsets.UTF_8), FIRST_INO, 2));
      }
      for (String name : tree.children(p)) {
        FsPath c = p.resolve(name);
        entries.add(new DirectoryBlock.Entry(name.getBytes(StandardCharsets.UTF_8), inodeOf.get(c),
            direntType(tree.get(c).orElseThrow())));
      }
      if (p.isRoot() && syntheticLostFound) {
        entries.sort((a, b) -> Arrays.compareUnsigned(a.name(), b.name()));
      }
      List<DirectoryBlock.Entry> linear = new ArrayList<>(entries.size() + 2);
      linear.add(new DirectoryBlock.Entry(new byte[] {'.'}, ino, 2));
      linear.add(new DirectoryBlock.Entry(new byte[] {'.', '.'}, parent, 2));
      linear.addAll(entries);
      List<List<DirectoryBlock.Entry>> packed = DirectoryBlock.pack(linear);
      List<byte[]> blocks;
      int flags = Inode.FLAG_EXTENTS;
      if (packed.size() == 1) {
        blocks = List.of(DirectoryBlock.toBytes(packed.get(0), csum, ino));
      } else {
        blocks = HtreeIndex.build(ino, parent, entries, hasher, csum, where);
        flags |= Inode.FLAG_INDEX;
      }
      List<ExtentTree.Extent> extents = writeBlocks(blocks, where);
      ExtentTree.Built t = tree(extents, ino, where);
      long sectors = (long) (blocks.size() + t.blocks().size()) * (BS / 512);
      usedDirs[(ino - 1) / layout.inodesPerGroup]++;
      putInode(ino, inode(d, (long) blocks.size() * BS, links > EXT4_LINK_MAX ? 1 : links, sectors, flags, t.iBlock(),
          where, ino));
    }

    private void writeLostFound(int ino) throws IOException, Ext4Exception {
      List<byte[]> blocks = new ArrayList<>();
      blocks.add(DirectoryBlock.toBytes(List.of(new DirectoryBlock.Entry(new byte[] {'.'}, ino, 2),
          new DirectoryBlock.Entry(new byte[] {'.', '.'}, ROOT_INO, 2)), csum, ino));
      for (int i = 0; i < 3; i++) {
        blocks.add(DirectoryBlock.toBytes(List.of(), csum, ino));
      }
      List<ExtentTree.Extent> extents = writeBlocks(blocks, "/lost+found");
      ExtentTree.Built t = tree(extents, ino, "/lost+found");
      usedDirs[(ino - 1) / layout.inodesPerGroup]++;
      FsNode.Directory d = new FsNode.Directory(NodeMetadata.of(0700, 0, 0, time));
      putInode(ino, inode(d, 4L * BS, 2, 4L * (BS / 512), Inode.FLAG_EXTENTS, t.iBlock(), "/lost+found", ino));
    }

    private Inode writeJournal(int journalBlocks) throws IOException, Ext4Exception {
      List<ExtentTree.Extent> extents = new ArrayList<>();
      long done = 0;
      while (done < journalBlocks) {
        long[] run = layout.allocate(Math.min(journalBlocks - done, ExtentTree.MAX_LEN), "the journal");
        extents.add(new ExtentTree.Extent(done, run[0], (int) run[1]));
        done += run[1];
      }
      if (overwrite) {
        for (ExtentTree.Extent e : extents) {
          writeZeros(e.physical(), e.length());
        }
      }
      byte[] jsb = new JournalSuperblock(journalBlocks, uuid).toBytes();
      writeAt(extents.get(0).physical(), jsb, 0, jsb.length);
      ExtentTree.Built t = tree(extents, JOURNAL_INO, "the journal");
      FsNode.RegularFile f = new FsNode.RegularFile(NodeMetadata.of(0600, 0, 0, time),
          new Blob(0, "0".repeat(64), java.nio.file.Path.of("/")));
      Inode in = inode(f, (long) journalBlocks * BS, 1, (long) (journalBlocks + t.blocks().size()) * (BS / 512),
          Inode.FLAG_EXTENTS, t.iBlock(), "the journal", JOURNAL_INO);
      putInode(JOURNAL_INO, in);
      return in;
    }

    /** A file's placed data: its extents, blocks written (holes excluded) and content fingerprint. */
    private record FileData(List<ExtentTree.Extent> extents, long dataBlocks, long fingerprint) {}

    /** Copies a file's content to newly allocated blocks; all-zero blocks become holes. */
    private FileData copyData(String where, FsNode.RegularFile f) throws IOException, Ext4Exception {
      Blob blob = f.blob();
      long size = blob.size();
      List<ExtentTree.Extent> extents = new ArrayList<>();
      long dataBlocks = 0;
      // Two CRCs of different polynomials, both CPU intrinsics on direct buffers: a 64-bit content
      // fingerprint for the UUID at a small fraction of a SHA-256's cost on the writer's thread.
      CRC32C crc32c = new CRC32C();
      CRC32 crc32 = new CRC32();
      if (size > 0) {
        HostHoles holes = HostHoles.of(blob.location(), size);
        try (FileChannel in = blob.openChannel()) {
          long logical = 0;
          long pos = 0;
          while (pos < size) {
            int want = (int) Math.min(CHUNK, size - pos);
            if (holes.isHole(pos, want)) {
              // Zeros without reading them: a hole stays a hole, and the fingerprint is the same as for
              // written zeros, so the image does not depend on how the source stores them.
              ByteBuffer z = zeros();
              crc32c.update(z.clear().limit(want));
              crc32.update(z.clear().limit(want));
              logical += (want + BS - 1) / BS;
              pos += want;
              continue;
            }
            ByteBuffer buf = chunkIn.clear().limit(want);
            while (buf.hasRemaining()) {
              int r = in.read(buf, pos + buf.position());
              if (r < 0) {
                throw new Ext4Exception(where + ": " + blob.changed("shorter"));
              }
            }
            crc32c.update(chunkHash.clear().limit(want));
            crc32.update(chunkHash.clear().limit(want));
            int nBlocks = (want + BS - 1) / BS;
            chunk.put(want, ZERO_BLOCK, 0, nBlocks * BS - want);
            int i = 0;
            while (i < nBlocks) {
              if (isZero(i)) {
                i++;
                continue;
              }
              int j = i + 1;
              while (j < nBlocks && !isZero(j)) {
                j++;
              }
              dataBlocks += j - i;
              writeRun(extents, logical + i, i, j - i, where);
              i = j;
            }
            logical += nBlocks;
            pos += want;
          }
          if (in.read(chunkIn.clear().limit(1), size) > 0) {
            throw new Ext4Exception(where + ": " + blob.changed("longer"));
          }
        }
      }
      return new FileData(extents, dataBlocks, crc32c.getValue() << 32 | crc32.getValue());
    }

    private void writeFileInode(String where, int ino, FsNode.RegularFile f, FileData data)
        throws IOException, Ext4Exception {
      ExtentTree.Built t = tree(data.extents(), ino, where);
      putInode(ino, inode(f, f.blob().size(), tree.linkCount(f), (data.dataBlocks() + t.blocks().size()) * (BS / 512),
          Inode.FLAG_EXTENTS, t.iBlock(), where, ino));
    }

    private boolean isZero(int block) {
      // Almost every block has a non-zero byte in its first eight: checked long by long, not sliced.
      for (int i = block * BS, end = i + BS; i < end; i += 8) {
        if (chunk.getLong(i) != 0) {
          return false;
        }
      }
      return true;
    }

    private void writeRun(List<ExtentTree.Extent> extents, long logical, int chunkBlock, int count, String where)
        throws IOException, Ext4Exception {
      while (count > 0) {
        long[] run = layout.allocate(count, where);
        int len = (int) run[1];
        ByteBuffer b = chunkOut.clear().position(chunkBlock * BS).limit((chunkBlock + len) * BS);
        long pos = offset + run[0] * BS;
        while (b.hasRemaining()) {
          pos += out.write(b, pos);
        }
        ExtentTree.Extent last = extents.isEmpty() ? null : extents.get(extents.size() - 1);
        int merged = 0;
        if (last != null && last.logical() + last.length() == logical && last.physical() + last.length() == run[0]) {
          merged = Math.min(len, ExtentTree.MAX_LEN - last.length());
          if (merged > 0) {
            extents.set(extents.size() - 1, new ExtentTree.Extent(last.logical(), last.physical(), last.length() + merged));
          }
        }
        for (int k = merged; k < len; k += ExtentTree.MAX_LEN) {
          int l = Math.min(ExtentTree.MAX_LEN, len - k);
          extents.add(new ExtentTree.Extent(logical + k, run[0] + k, l));
        }
        logical += len;
        chunkBlock += len;
        count -= len;
      }
    }

    private void writeSymlink(String where, int ino, FsNode.Symlink s) throws IOException, Ext4Exception {
      byte[] target = s.target().getBytes(StandardCharsets.UTF_8);
      if (target.length < 60) {
        putInode(ino, inode(s, target.length, 1, 0, 0, Arrays.copyOf(target, 60), where, ino));
        return;
      }
      byte[] block = Arrays.copyOf(target, BS);
      List<ExtentTree.Extent> extents = writeBlocks(List.of(block), where);
      ExtentTree.Built t = tree(extents, ino, where);
      putInode(ino, inode(s, target.length, 1, BS / 512, Inode.FLAG_EXTENTS, t.iBlock(), where, ino));
    }

    private void writeSpecial(String where, int ino, FsNode n) throws IOException, Ext4Exception {
      byte[] iBlock = new byte[60];
      if (n instanceof FsNode.Device d) {
        ByteBuffer b = ByteBuffer.wrap(iBlock).order(ByteOrder.LITTLE_ENDIAN);
        if (d.major() < 256 && d.minor() < 256) {
          b.putInt(0, (d.major() << 8) | d.minor());
        } else {
          b.putInt(4, d.encodedDevice());
        }
      }
      putInode(ino, inode(n, 0, 1, 0, 0, iBlock, where, ino));
    }

    // ---- bitmaps, descriptors, superblocks ---------------------------------------------------

    private Ext4Result finish(int journalBlocks, int[] jnlBackup) throws IOException, Ext4Exception {
      int ipg = layout.inodesPerGroup;
      GroupDescriptor[] gds = new GroupDescriptor[layout.groups];
      long freeBlocks = 0;
      long freeInodes = 0;
      for (int g = 0; g < layout.groups; g++) {
        byte[] bbm = layout.blockBitmap(g);
        int free = Ext4Layout.countClear(bbm, Ext4Layout.BLOCKS_PER_GROUP);
        byte[] ibm = new byte[BS];
        long usedInodes = Math.max(0, Math.min(ipg, (long) lastIno - (long) g * ipg));
        Ext4Layout.mark(ibm, 0, 0, usedInodes);
        Ext4Layout.mark(ibm, 0, ipg, (long) BS * 8);
        writeAt(layout.blockBitmap[g], bbm, 0, BS);
        writeAt(layout.inodeBitmap[g], ibm, 0, BS);
        CRC32C bc = csum.seeded();
        bc.update(bbm, 0, Ext4Layout.BLOCKS_PER_GROUP / 8);
        CRC32C ic = csum.seeded();
        ic.update(ibm, 0, ipg / 8);
        gds[g] = new GroupDescriptor(layout.blockBitmap[g], layout.inodeBitmap[g], layout.inodeTable[g], free,
            (int) (ipg - usedInodes), usedDirs[g], GroupDescriptor.FLAG_INODE_ZEROED, Ext4Checksum.raw(bc),
            Ext4Checksum.raw(ic), (int) (ipg - usedInodes));
        freeBlocks += free;
        freeInodes += ipg - usedInodes;
        if (overwrite && !tableWritten[g]) {
          writeZeros(layout.inodeTable[g], layout.itableBlocks); // the descriptor says it is zeroed
        }
      }
      byte[] gdt = new byte[layout.gdtBlocks * BS];
      for (int g = 0; g < layout.groups; g++) {
        System.arraycopy(gds[g].toBytes(csum, g), 0, gdt, g * GroupDescriptor.SIZE, GroupDescriptor.SIZE);
      }
      int compat = Ext4Superblock.COMPAT_EXT_ATTR | Ext4Superblock.COMPAT_DIR_INDEX
          | (options.journal() ? Ext4Superblock.COMPAT_HAS_JOURNAL : 0);
      int incompat = Ext4Superblock.INCOMPAT_FILETYPE | Ext4Superblock.INCOMPAT_EXTENTS | Ext4Superblock.INCOMPAT_64BIT
          | Ext4Superblock.INCOMPAT_FLEX_BG;
      int ro = Ext4Superblock.RO_COMPAT_SPARSE_SUPER | Ext4Superblock.RO_COMPAT_LARGE_FILE
          | Ext4Superblock.RO_COMPAT_HUGE_FILE | Ext4Superblock.RO_COMPAT_DIR_NLINK | Ext4Superblock.RO_COMPAT_EXTRA_ISIZE
          | Ext4Superblock.RO_COMPAT_METADATA_CSUM;
      long inodes = (long) layout.groups * ipg;
      Ext4Superblock sb = new Ext4Superblock(inodes, layout.blocks, 0, freeBlocks, freeInodes,
          Ext4Layout.BLOCKS_PER_GROUP, ipg, time, 0, compat, incompat, ro, uuid, options.label(),
          options.journal() ? JOURNAL_INO : 0, hashSeed, jnlBackup, Ext4Layout.LOG_GROUPS_PER_FLEX);
      // The primary superblock last: until it is there, nothing mounts.
      for (int g = 0; g < layout.groups; g++) {
        if (Ext4Layout.hasBackup(g)) {
          long start = layout.groupStart(g);
          if (g > 0) {
            byte[] sbBytes = sb.withBlockGroupNr(g).toBytes();
            writeAt(start, sbBytes, 0, sbBytes.length);
          }
          writeAt(start + 1, gdt, 0, gdt.length);
        }
      }
      if (overwrite) {
        out.force(false);
      }
      ByteBuffer primary = ByteBuffer.wrap(sb.withBlockGroupNr(0).toBytes());
      for (long pos = offset + 1024; primary.hasRemaining(); ) {
        pos += out.write(primary, pos);
      }
      long end = offset + layout.blocks * BS;
      if (out.size() < end) {
        out.write(ByteBuffer.wrap(new byte[1]), end - 1);
      }
      UUID u = new UUID(ByteBuffer.wrap(uuid).getLong(0), ByteBuffer.wrap(uuid).getLong(8));
      return new Ext4Result(layout.blocks * BS, layout.blocks, freeBlocks, inodes, freeInodes, u, journalBlocks);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}

package io.cosbuild.rootfs.squashfs;

import io.cosbuild.rootfs.tree.CompleteFile;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.NodeMetadata;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Writes an {@link FsTree} as a squashfs 4.0 image readable by the Linux kernel and squashfs-tools.
 *
 * <p>Layout, in order: superblock, compressor options (when not the defaults), data and fragment
 * blocks, inode table, directory table, fragment table, export table, id table, xattr tables, zero
 * padding to 4 KiB. Inodes are written children first so a directory's listing can name their
 * references; inode numbers are given directory by directory so siblings are consecutive.
 *
 * <p>Deterministic: the image depends only on the tree and the options (not on the thread count,
 * the clock, or the order the tree was built in). Stateless and thread-safe; the caller closes the
 * channel.
 */
public final class SquashfsWriter {

  private static final LongConsumer NO_PROGRESS = bytes -> { };

  private final FsTree tree;
  private final SquashfsOptions options;
  private final Compressor compressor;
  private final IdTable ids;
  private final Map<FsPath, Long> numbers = new HashMap<>();
  private final Map<Integer, Long> linkGroupNumbers = new HashMap<>();
  private final Map<Integer, Long> linkGroupRefs = new HashMap<>();
  private final Map<FsPath, DataWriter.FileLayout> layouts = new HashMap<>();
  private final MetadataWriter inodes;
  private final DirectoryTable directories;
  private final XattrTable xattrs;
  private long inodeCount;
  private ExportTable export;

  private SquashfsWriter(FsTree tree, SquashfsOptions options) throws SquashfsException {
    this.tree = tree;
    this.options = options;
    this.compressor = Compressor.create(options.compression(), options.level(), options.blockSize(), options.xzFilters());
    Set<Integer> owners = new HashSet<>();
    for (Map.Entry<FsPath, FsNode> e : tree.entries().entrySet()) {
      FsNode n = e.getValue();
      XattrTable.check(n.metadata().xattrs(), e.getKey().toString()); // before anything is written
      owners.add(n.metadata().uid());
      owners.add(n.metadata().gid());
    }
    this.ids = new IdTable(owners);
    this.inodes = new MetadataWriter(compressor);
    this.directories = new DirectoryTable(compressor);
    this.xattrs = new XattrTable(compressor);
  }

  /** Writes the image from the channel's position 0; returns what was written. */
  public static SquashfsResult write(FsTree tree, SeekableByteChannel out, SquashfsOptions options)
      throws IOException, SquashfsException {
    return write(tree, out, options, NO_PROGRESS);
  }

  /**
   * As {@link #write(FsTree, SeekableByteChannel, SquashfsOptions)}; {@code progress} is told, after each file, how
   * many bytes of file content have gone to the compressors (of {@link FsTree#contentBytes()}), for a display.
   */
  public static SquashfsResult write(FsTree tree, SeekableByteChannel out, SquashfsOptions options, LongConsumer progress)
      throws IOException, SquashfsException {
    return new SquashfsWriter(tree, options).write(out, progress);
  }

  /**
   * Writes the image to {@code target} through a temporary file in the same directory, renamed
   * into place once complete; on failure the temporary file is removed and {@code target} is
   * untouched.
   */
  public static SquashfsResult writeFile(FsTree tree, Path target, SquashfsOptions options)
      throws IOException, SquashfsException {
    return writeFile(tree, target, options, NO_PROGRESS);
  }

  /** As {@link #writeFile(FsTree, Path, SquashfsOptions)}, with {@code progress} as for {@link #write}. */
  public static SquashfsResult writeFile(FsTree tree, Path target, SquashfsOptions options, LongConsumer progress)
      throws IOException, SquashfsException {
    return CompleteFile.write(target, ch -> write(tree, ch, options, progress));
  }

  private SquashfsResult write(SeekableByteChannel out, LongConsumer progress) throws IOException, SquashfsException {
    numberInodes();
    byte[] opts = compressor.options();
    byte[] optsBlock = opts == null ? new byte[0] : MetadataWriter.uncompressedBlock(opts);
    out.position(SquashfsSuperblock.SIZE);
    writeFully(out, optsBlock);
    DataWriter data = new DataWriter(out, SquashfsSuperblock.SIZE + optsBlock.length, options);
    long contentBytes = 0;
    try (data) {
      Set<Integer> groups = new HashSet<>();
      for (Map.Entry<FsPath, FsNode> e : tree.entries().entrySet()) {
        if (e.getValue() instanceof FsNode.RegularFile f) {
          if (f.linkGroup() != 0 && !groups.add(f.linkGroup())) {
            continue;
          }
          layouts.put(e.getKey(), data.add(f.blob(), e.getKey().toString()));
          contentBytes += f.blob().size();
          progress.accept(contentBytes);
        }
      }
      data.finish();
    }
    long pos = data.position();

    export = new ExportTable((int) inodeCount);
    long root = writeDirectory(FsPath.ROOT, inodeCount + 1);

    long inodeTableStart = pos;
    pos = put(out, pos, inodes.finish());
    long directoryTableStart = pos;
    pos = put(out, pos, directories.finish());

    FragmentTable fragments = data.fragments();
    IndexedTable.Encoded frag = fragments.encode(pos, compressor);
    pos = put(out, pos, frag.blocks());
    long fragmentTableStart = pos;
    pos = put(out, pos, frag.lookup());

    long exportTableStart = SquashfsSuperblock.ABSENT;
    if (options.exportTable()) {
      IndexedTable.Encoded exp = export.encode(pos, compressor);
      pos = put(out, pos, exp.blocks());
      exportTableStart = pos;
      pos = put(out, pos, exp.lookup());
    }

    IndexedTable.Encoded id = ids.encode(pos, compressor);
    pos = put(out, pos, id.blocks());
    long idTableStart = pos;
    pos = put(out, pos, id.lookup());

    long xattrIdTableStart = SquashfsSuperblock.ABSENT;
    if (!xattrs.isEmpty()) {
      byte[] x = xattrs.encode(pos, compressor);
      xattrIdTableStart = pos + XattrTable.headerOffset(x, xattrs.count());
      pos = put(out, pos, x);
    }
    long bytesUsed = pos;
    long padded = (bytesUsed + 4095) & ~4095L;
    if (padded > bytesUsed) {
      put(out, bytesUsed, new byte[(int) (padded - bytesUsed)]);
    }

    int flags = SquashfsSuperblock.FLAG_DUPLICATES
        | (options.exportTable() ? SquashfsSuperblock.FLAG_EXPORTABLE : 0)
        | (xattrs.isEmpty() ? SquashfsSuperblock.FLAG_NO_XATTRS : 0)
        | (opts != null ? SquashfsSuperblock.FLAG_COMPRESSOR_OPTIONS : 0);
    SquashfsSuperblock sb = new SquashfsSuperblock(inodeCount, options.sourceDateEpoch().orElse(0),
        options.blockSize(), fragments.size(), options.compression().id(), flags, ids.size(), root, bytesUsed,
        idTableStart, xattrIdTableStart, inodeTableStart, directoryTableStart, fragmentTableStart,
        exportTableStart);
    put(out, 0, sb.toBytes());
    return new SquashfsResult(bytesUsed, padded, inodeCount, contentBytes, fragments.size(), data.duplicates(),
        ids.size(), xattrs.count());
  }

  /** Numbers inodes directory by directory (root is 1), giving each hard-link group one number. */
  private void numberInodes() throws SquashfsException {
    long next = 1;
    numbers.put(FsPath.ROOT, next++);
    for (Map.Entry<FsPath, FsNode> d : tree.entries().entrySet()) {
      if (!(d.getValue() instanceof FsNode.Directory)) {
        continue;
      }
      for (String name : tree.children(d.getKey())) {
        FsPath p = d.getKey().resolve(name);
        FsNode n = tree.entries().get(p);
        if (n instanceof FsNode.RegularFile f && f.linkGroup() != 0) {
          Long known = linkGroupNumbers.get(f.linkGroup());
          if (known != null) {
            numbers.put(p, known);
            continue;
          }
          linkGroupNumbers.put(f.linkGroup(), next);
        }
        numbers.put(p, next++);
      }
    }
    inodeCount = next - 1;
    if (inodeCount > 0xfffffffeL) {
      throw new SquashfsException("tree has " + inodeCount + " inodes, more than squashfs can number");
    }
  }

  /** Writes a directory's children, its listing and its inode; returns the inode reference. */
  private long writeDirectory(FsPath dir, long parentNumber) throws IOException, SquashfsException {
    long self = numbers.get(dir);
    List<DirectoryEntry> entries = new ArrayList<>();
    for (String name : tree.children(dir)) {
      FsPath p = dir.resolve(name);
      FsNode n = tree.entries().get(p);
      long ref;
      int type;
      if (n instanceof FsNode.Directory) {
        ref = writeDirectory(p, self);
        type = InodeHeader.BASIC_DIRECTORY;
      } else {
        type = basicType(n);
        try {
          ref = writeLeaf(p, n);
        } catch (IllegalArgumentException e) {
          throw new SquashfsException(p + ": cannot be stored in squashfs: " + e.getMessage(), e);
        }
      }
      entries.add(new DirectoryEntry(name.getBytes(StandardCharsets.UTF_8), ref, numbers.get(p), type));
    }
    DirectoryTable.Listing listing = directories.write(entries);
    FsNode.Directory node = (FsNode.Directory) tree.entries().get(dir);
    long xattrId = xattrs.idFor(node.metadata().xattrs(), dir.toString());
    long links = tree.directoryLinkCount(dir);
    long size = listing.size() + 3;
    Inode inode;
    if (listing.index().isEmpty() && xattrId == XattrTable.NONE && size <= 0xffff) {
      inode = new DirectoryInode(header(InodeHeader.BASIC_DIRECTORY, node.metadata(), self, dir), listing.startBlock(),
          links, (int) size, listing.blockOffset(), parentNumber);
    } else {
      inode = new ExtendedDirectoryInode(
          header(InodeHeader.BASIC_DIRECTORY + InodeHeader.EXTENDED_OFFSET, node.metadata(), self, dir), links, size,
          listing.startBlock(), parentNumber, listing.blockOffset(), xattrId, listing.index());
    }
    return emit(self, inode);
  }

  private long writeLeaf(FsPath p, FsNode n) throws IOException, SquashfsException {
    long number = numbers.get(p);
    if (n instanceof FsNode.RegularFile f && f.linkGroup() != 0) {
      Long known = linkGroupRefs.get(f.linkGroup());
      if (known != null) {
        return known;
      }
    }
    NodeMetadata m = n.metadata();
    long xattrId = xattrs.idFor(m.xattrs(), p.toString());
    boolean ext = xattrId != XattrTable.NONE;
    int type = basicType(n) + (ext ? InodeHeader.EXTENDED_OFFSET : 0);
    Inode inode;
    if (n instanceof FsNode.RegularFile f) {
      DataWriter.FileLayout l = layouts.get(p);
      if (l == null) {
        throw new IllegalStateException("no data layout for " + p);
      }
      long links = tree.linkCount(f);
      if (ext || links > 1 || l.sparse > 0 || l.start() > 0xffffffffL || l.size > 0xffffffffL) {
        inode = new ExtendedRegularInode(header(InodeHeader.BASIC_FILE + InodeHeader.EXTENDED_OFFSET, m, number, p),
            l.start(), l.size, l.sparse, links, l.fragmentIndex, l.fragmentOffset, xattrId, l.blockSizes);
      } else {
        inode = new RegularInode(header(InodeHeader.BASIC_FILE, m, number, p), l.start(), l.fragmentIndex,
            l.fragmentOffset, l.size, l.blockSizes);
      }
      long ref = emit(number, inode);
      if (f.linkGroup() != 0) {
        linkGroupRefs.put(f.linkGroup(), ref);
      }
      return ref;
    } else if (n instanceof FsNode.Symlink s) {
      inode = new SymlinkInode(header(type, m, number, p), 1, s.target().getBytes(StandardCharsets.UTF_8), xattrId);
    } else if (n instanceof FsNode.Device d) {
      inode = new DeviceInode(header(type, m, number, p), 1, d.encodedDevice(), xattrId);
    } else {
      inode = new IpcInode(header(type, m, number, p), 1, xattrId);
    }
    return emit(number, inode);
  }

  private long emit(long number, Inode inode) throws IOException {
    long ref = inodes.reference();
    inodes.write(inode.toBytes());
    export.set(number, ref);
    return ref;
  }

  private InodeHeader header(int type, NodeMetadata m, long number, FsPath p) throws SquashfsException {
    long mtime = m.mtime();
    if (options.sourceDateEpoch().isPresent()) {
      mtime = Math.min(mtime, options.sourceDateEpoch().getAsLong());
    }
    if (mtime > 0xffffffffL) {
      throw new SquashfsException(p + ": mtime " + mtime + " does not fit squashfs's 32-bit time; set SOURCE_DATE_EPOCH");
    }
    return new InodeHeader(type, m.permissions(), ids.indexOf(m.uid()), ids.indexOf(m.gid()), mtime, number);
  }

  private static int basicType(FsNode n) {
    if (n instanceof FsNode.Directory) {
      return InodeHeader.BASIC_DIRECTORY;
    } else if (n instanceof FsNode.RegularFile) {
      return InodeHeader.BASIC_FILE;
    } else if (n instanceof FsNode.Symlink) {
      return InodeHeader.BASIC_SYMLINK;
    } else if (n instanceof FsNode.Device d) {
      return d.block() ? InodeHeader.BASIC_BLOCK : InodeHeader.BASIC_CHAR;
    } else if (n instanceof FsNode.Fifo) {
      return InodeHeader.BASIC_FIFO;
    } else {
      return InodeHeader.BASIC_SOCKET;
    }
  }

  private static long put(SeekableByteChannel out, long pos, byte[] bytes) throws IOException {
    out.position(pos);
    writeFully(out, bytes);
    return pos + bytes.length;
  }

  private static void writeFully(SeekableByteChannel out, byte[] bytes) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    while (b.hasRemaining()) {
      out.write(b);
    }
  }
}

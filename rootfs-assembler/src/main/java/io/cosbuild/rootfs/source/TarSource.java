package io.cosbuild.rootfs.source;

import io.cosbuild.rootfs.tree.Abbreviated;
import io.cosbuild.rootfs.tree.Blob;
import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.NodeMetadata;
import io.cosbuild.rootfs.tree.TreeException;
import io.cosbuild.rootfs.tree.Xattr;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;

/**
 * Reads a tar archive (plain, gzip, xz, zstd or bzip2; ustar, GNU or POSIX pax) into an
 * {@link FsTree}. Owners, modes, device numbers and the attributes of {@code SCHILY.xattr.*} and
 * bsdtar's {@code LIBARCHIVE.xattr.*} records come from the archive (xattr values byte for byte, through
 * {@link TarHeaderTap}, which also checks what Commons Compress does not: header checksums, UTF-8
 * names), which is how a user without root builds a root-owned image. A GNU volume label ({@code tar -V})
 * at the start is skipped. Entries with {@code ..}, or reaching through a symlink out of the root, are refused.
 * Stateless and thread-safe.
 */
public final class TarSource {

  private TarSource() {}

  public static FsTree read(Path tar, BlobStore store) throws IOException, TreeException {
    try (InputStream raw = Files.newInputStream(tar)) {
      return readArchive(raw, tar.toString(), store);
    }
  }

  /**
   * Reads a tar archive, plain or compressed (gzip, xz, zstd...), from {@code raw} (a pipe will do: it is
   * read once, in order), called {@code name} in messages; does not close {@code raw}.
   */
  public static FsTree readArchive(InputStream raw, String name, BlobStore store) throws IOException, TreeException {
    InputStream in = decompress(new BufferedInputStream(raw));
    // Commons Compress reads a file too short or too strange for a header as an empty archive;
    // that must not become a plausible empty image. An empty archive starts with a zero block.
    in.mark(TAR_BLOCK);
    byte[] head = in.readNBytes(TAR_BLOCK);
    in.reset();
    if (!isZeroBlock(head) && !TarArchiveInputStream.matches(head, head.length) && !isVolumeLabel(head)) {
      throw new TreeException(name + ": not a tar archive (no tar header at its start"
          + (head.length < TAR_BLOCK ? ", only " + head.length + " bytes" : "") + ")");
    }
    return read(in, name, store);
  }

  private static final int TAR_BLOCK = 512;

  private static boolean isZeroBlock(byte[] b) {
    return b.length >= TAR_BLOCK && TarHeaderTap.isZero(b);
  }

  /** GNU tar's volume label ({@code tar -V}): a header of type 'V' without the ustar magic. */
  private static boolean isVolumeLabel(byte[] b) {
    return b.length >= TAR_BLOCK && b[156] == VOLUME_LABEL && TarHeaderTap.checksumMatches(b);
  }

  private static final byte VOLUME_LABEL = 'V';

  /** Reads an uncompressed tar stream; does not close {@code in}. */
  public static FsTree read(InputStream in, String name, BlobStore store) throws IOException, TreeException {
    FsTreeBuilder b = new FsTreeBuilder(NodeMetadata.of(0755, 0, 0, 0));
    TarHeaderTap tap = new TarHeaderTap(in);
    TarArchiveInputStream tin = new TarArchiveInputStream(tap, StandardCharsets.UTF_8.name());
    String previous = null;
    boolean labelled = false;
    while (true) {
      tap.startRecording();
      TarArchiveEntry e = nextEntry(tin, name, previous);
      TarHeaderTap.Headers headers = tap.stopRecording(name, previous);
      if (e == null) {
        break;
      }
      if (headers == null || headers.typeflag() != e.getLinkFlag()) {
        throw new TreeException(name + ": the tar headers after " + (previous == null ? "the start" : "member " + previous)
            + " could not be read consistently");
      }
      if (e.getLinkFlag() == VOLUME_LABEL && previous == null && !labelled) {
        labelled = true; // the archive's name, not a member
        readEntry(tin, OutputStream.nullOutputStream(), name, e);
        continue;
      }
      try {
        addEntry(b, tin, e, headers, name, store);
      } catch (IllegalArgumentException ex) {
        throw new TreeException(name + ": refusing member " + Abbreviated.of(e.getName()) + ": " + ex.getMessage(), ex);
      }
      // Whatever the entry left unread, so that only headers pass the tap while the next is looked for.
      readEntry(tin, OutputStream.nullOutputStream(), name, e);
      previous = Abbreviated.of(e.getName());
    }
    return b.build();
  }

  private static void addEntry(FsTreeBuilder b, TarArchiveInputStream tin, TarArchiveEntry e, TarHeaderTap.Headers headers,
      String name, BlobStore store) throws IOException, TreeException {
    if (e.getLinkFlag() == VOLUME_LABEL) {
      throw new TreeException(name + ": a GNU volume label " + Abbreviated.of(e.getName()) + " that is not the archive's first header");
    }
    FsPath path;
    try {
      path = FsPath.parse(e.getName());
    } catch (IllegalArgumentException ex) {
      throw new TreeException(name + ": refusing entry " + Abbreviated.of(e.getName()) + ": " + ex.getMessage());
    }
    NodeMetadata meta = new NodeMetadata(e.getMode() & 07777, id(e.getLongUserId(), "uid"), id(e.getLongGroupId(), "gid"),
        Math.max(0, e.getLastModifiedTime().toMillis() / 1000), xattrs(e, headers, name));
    String origin = name;
    if (e.isDirectory()) {
      FsNode dir = new FsNode.Directory(meta);
      if (b.get(path).filter(n -> !(n instanceof FsNode.Directory)).isPresent()) {
        b.add(path, dir, origin); // a directory over a file or link: refused as a conflict, like the other way round
      }
      b.replace(path, dir, origin);
    } else if (e.isSymbolicLink()) {
      b.add(path, new FsNode.Symlink(meta, e.getLinkName()), origin);
    } else if (e.isLink()) {
      FsPath target;
      try {
        target = FsPath.parse(e.getLinkName());
      } catch (IllegalArgumentException ex) {
        throw new TreeException(name + ": refusing hard link " + Abbreviated.of(e.getName()) + ": " + ex.getMessage());
      }
      b.addHardlink(path, target, origin);
    } else if (e.isCharacterDevice() || e.isBlockDevice()) {
      b.add(path, new FsNode.Device(meta, e.isBlockDevice(), e.getDevMajor(), e.getDevMinor()), origin);
    } else if (e.isFIFO()) {
      b.add(path, new FsNode.Fifo(meta), origin);
    } else if (e.isFile()) {
      Blob content;
      try {
        content = store.put(new MemberStream(tin, name, e));
      } catch (UnreadableMember u) {
        throw (TreeException) u.getCause();
      }
      b.add(path, new FsNode.RegularFile(meta, content), origin);
    } else {
      throw new TreeException(name + ": unsupported tar entry type '" + (char) e.getLinkFlag() + "' at " + Abbreviated.of(e.getName()));
    }
  }

  /** The next header; a malformed one is bad input (a TreeException naming the archive), not an I/O failure. */
  private static TarArchiveEntry nextEntry(TarArchiveInputStream tin, String name, String previous) throws TreeException {
    try {
      return tin.getNextEntry();
    } catch (IOException e) {
      throw new TreeException(name + ": corrupt tar archive " + (previous == null ? "at the start" : "after member " + previous)
          + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    }
  }

  private static void readEntry(TarArchiveInputStream tin, OutputStream to, String name, TarArchiveEntry e)
      throws TreeException {
    try {
      tin.transferTo(to);
    } catch (IOException ex) {
      throw truncated(name, e, ex);
    }
  }

  private static TreeException truncated(String name, TarArchiveEntry e, IOException ex) {
    return new TreeException(name + ": member " + Abbreviated.of(e.getName()) + " cannot be read, the archive is truncated or corrupt: "
        + (ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage()), ex);
  }

  /**
   * A member's content for the blob store: a failure to read the archive becomes an {@link UnreadableMember}
   * naming the member, told apart from a failure of the store itself.
   */
  private static final class MemberStream extends java.io.FilterInputStream {
    private final String name;
    private final TarArchiveEntry entry;

    MemberStream(InputStream in, String name, TarArchiveEntry entry) {
      super(in);
      this.name = name;
      this.entry = entry;
    }

    @Override
    public int read(byte[] b, int off, int len) throws UnreadableMember {
      try {
        return in.read(b, off, len);
      } catch (IOException ex) {
        throw new UnreadableMember(truncated(name, entry, ex));
      }
    }

    @Override
    public int read() throws UnreadableMember {
      try {
        return in.read();
      } catch (IOException ex) {
        throw new UnreadableMember(truncated(name, entry, ex));
      }
    }
  }

  /** The archive, not the blob store, failed while a member's content was read. */
  private static final class UnreadableMember extends IOException {
    private static final long serialVersionUID = 1L;

    UnreadableMember(TreeException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** A tar uid or gid as cosbuild keeps it: 0 to 2^31 - 1. */
  private static int id(long id, String what) {
    if (id < 0 || id > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(what + " " + id + " is out of range (cosbuild supports 0 to " + Integer.MAX_VALUE + ")");
    }
    return (int) id;
  }

  /**
   * The entry's extended attributes, with the values byte for byte as the archive holds them (the tap's),
   * checked against what Commons Compress saw so that the two can never disagree on which attributes exist.
   */
  private static List<Xattr> xattrs(TarArchiveEntry e, TarHeaderTap.Headers headers, String name) throws TreeException {
    TarHeaderTap.PaxXattrs pax = headers.xattrs();
    if (!pax.disagreeing().isEmpty()) {
      throw new TreeException(name + ": the pax header of member " + Abbreviated.of(e.getName()) + " gives xattr "
          + Abbreviated.of(pax.disagreeing().iterator().next()) + " two different values (its SCHILY.xattr and LIBARCHIVE.xattr records"
          + " disagree)");
    }
    for (Map.Entry<String, String> h : e.getExtraPaxHeaders().entrySet()) {
      if (h.getKey().startsWith(TarHeaderTap.SCHILY_XATTR) || h.getKey().startsWith(TarHeaderTap.LIBARCHIVE_XATTR)) {
        byte[] raw = pax.records().get(h.getKey());
        if (raw == null || !new String(raw, StandardCharsets.UTF_8).equals(h.getValue())) {
          throw new TreeException(name + ": the pax header of member " + Abbreviated.of(e.getName())
              + " could not be read consistently (" + h.getKey() + ")");
        }
      }
    }
    List<Xattr> out = new ArrayList<>();
    for (Map.Entry<String, byte[]> x : pax.values().entrySet()) {
      out.add(new Xattr(x.getKey(), x.getValue()));
    }
    return out;
  }


  private static InputStream decompress(InputStream in) throws IOException {
    try {
      String kind = CompressorStreamFactory.detect(in);
      return new BufferedInputStream(new CompressorStreamFactory().createCompressorInputStream(kind, in));
    } catch (CompressorException notCompressed) {
      return in;
    }
  }
}

package io.cosbuild.rootfs.source;

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
 * {@link FsTree}. Owners, modes, device numbers and {@code SCHILY.xattr.*} attributes come from the
 * archive, which is how a user without root builds a root-owned image. Entries with {@code ..},
 * or reaching through a symlink out of the root, are refused. Stateless and thread-safe.
 */
public final class TarSource {

  private TarSource() {}

  public static FsTree read(Path tar, BlobStore store) throws IOException, TreeException {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(tar))) {
      InputStream in = decompress(raw);
      // Commons Compress reads a file too short or too strange for a header as an empty archive;
      // that must not become a plausible empty image. An empty archive starts with a zero block.
      in.mark(TAR_BLOCK);
      byte[] head = in.readNBytes(TAR_BLOCK);
      in.reset();
      if (!isZeroBlock(head) && !TarArchiveInputStream.matches(head, head.length)) {
        throw new TreeException(tar + ": not a tar archive (no tar header at its start"
            + (head.length < TAR_BLOCK ? ", only " + head.length + " bytes" : "") + ")");
      }
      return read(in, tar.toString(), store);
    }
  }

  private static final int TAR_BLOCK = 512;

  private static boolean isZeroBlock(byte[] b) {
    if (b.length < TAR_BLOCK) {
      return false;
    }
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  /** Reads an uncompressed tar stream; does not close {@code in}. */
  public static FsTree read(InputStream in, String name, BlobStore store) throws IOException, TreeException {
    FsTreeBuilder b = new FsTreeBuilder(NodeMetadata.of(0755, 0, 0, 0));
    TarArchiveInputStream tin = new TarArchiveInputStream(in, StandardCharsets.UTF_8.name());
    TarArchiveEntry e;
    while ((e = nextEntry(tin, name)) != null) {
      FsPath path;
      try {
        path = FsPath.parse(e.getName());
      } catch (IllegalArgumentException ex) {
        throw new TreeException(name + ": refusing entry '" + e.getName() + "': " + ex.getMessage());
      }
      NodeMetadata meta = new NodeMetadata(e.getMode() & 07777, (int) e.getLongUserId(), (int) e.getLongGroupId(),
          Math.max(0, e.getLastModifiedTime().toMillis() / 1000), xattrs(e));
      String origin = name;
      if (e.isDirectory()) {
        b.replace(path, new FsNode.Directory(meta), origin);
      } else if (e.isSymbolicLink()) {
        b.add(path, new FsNode.Symlink(meta, e.getLinkName()), origin);
      } else if (e.isLink()) {
        FsPath target;
        try {
          target = FsPath.parse(e.getLinkName());
        } catch (IllegalArgumentException ex) {
          throw new TreeException(name + ": refusing hard link '" + e.getName() + "': " + ex.getMessage());
        }
        b.addHardlink(path, target, origin);
      } else if (e.isCharacterDevice() || e.isBlockDevice()) {
        b.add(path, new FsNode.Device(meta, e.isBlockDevice(), e.getDevMajor(), e.getDevMinor()), origin);
      } else if (e.isFIFO()) {
        b.add(path, new FsNode.Fifo(meta), origin);
      } else if (e.isFile()) {
        b.add(path, new FsNode.RegularFile(meta, store.put(tin)), origin);
      } else {
        throw new TreeException(name + ": unsupported tar entry type '" + (char) e.getLinkFlag() + "' at " + e.getName());
      }
    }
    return b.build();
  }

  /** The next header; a malformed one is bad input (a TreeException naming the archive), not an I/O failure. */
  private static TarArchiveEntry nextEntry(TarArchiveInputStream tin, String name) throws TreeException {
    try {
      return tin.getNextEntry();
    } catch (IOException e) {
      throw new TreeException(name + ": corrupt tar archive: " + e.getMessage(), e);
    }
  }

  private static List<Xattr> xattrs(TarArchiveEntry e) {
    List<Xattr> out = new ArrayList<>();
    for (Map.Entry<String, String> h : e.getExtraPaxHeaders().entrySet()) {
      if (h.getKey().startsWith("SCHILY.xattr.")) {
        // Commons Compress decodes pax values as UTF-8; ISO-8859-1 round-trips raw bytes only if it
        // was given them, so binary values are re-encoded from the decoded text.
        out.add(new Xattr(h.getKey().substring("SCHILY.xattr.".length()), h.getValue().getBytes(StandardCharsets.UTF_8)));
      }
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

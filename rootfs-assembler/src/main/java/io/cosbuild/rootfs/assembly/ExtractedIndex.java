package io.cosbuild.rootfs.assembly;

import io.cosbuild.rootfs.assembly.PackageExtractor.Entry;
import io.cosbuild.rootfs.dpkg.PackageContent;
import io.cosbuild.rootfs.tree.Blob;
import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.NodeMetadata;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A package's checked data-archive entries kept beside the blob store, so that a later build takes them
 * without decompressing the archive again (seconds of xz for a kernel). Named by the {@code .deb}'s SHA-256,
 * which the download cache has verified, and by this format's version; written only after a read that passed
 * every check, through a temporary file renamed into place. An index that is unreadable, of another version,
 * for another package, or that names a blob the store no longer has is ignored (the archive is read again).
 * Stateless and thread-safe.
 */
final class ExtractedIndex {

  /** Raise when {@link PackageExtractor}'s reading or {@link Entry} changes: older indexes are then ignored. */
  private static final int VERSION = 1;
  private static final int MAGIC = 0x43425849; // "CBXI"
  private static final byte DIRECTORY = 'd';
  private static final byte FILE = 'f';
  private static final byte SYMLINK = 'l';
  private static final byte HARDLINK = 'h';
  private static final byte FIFO = 'p';

  private ExtractedIndex() {}

  private static Path file(BlobStore store, PackageContent p) {
    return store.root().resolve("extracted").resolve("v" + VERSION).resolve(p.sha256());
  }

  /** The entries kept for {@code p}, or empty where there are none usable. */
  static Optional<List<Entry>> load(BlobStore store, PackageContent p) {
    Path f = file(store, p);
    try (InputStream raw = Files.newInputStream(f);
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
      if (in.readInt() != MAGIC || in.readInt() != VERSION || !in.readUTF().equals(p.id())) {
        return Optional.empty();
      }
      int n = in.readInt();
      List<Entry> entries = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String name = in.readUTF();
        FsPath path = FsPath.parse(in.readUTF());
        byte kind = in.readByte();
        if (kind == HARDLINK) {
          entries.add(new Entry(name, path, null, FsPath.parse(in.readUTF()), null));
          continue;
        }
        NodeMetadata meta = NodeMetadata.of(in.readInt(), in.readInt(), in.readInt(), in.readLong());
        switch (kind) {
          case DIRECTORY -> entries.add(new Entry(name, path, new FsNode.Directory(meta), null, null));
          case SYMLINK -> entries.add(new Entry(name, path, new FsNode.Symlink(meta, in.readUTF()), null, null));
          case FIFO -> entries.add(new Entry(name, path, new FsNode.Fifo(meta), null, null));
          case FILE -> {
            long size = in.readLong();
            String sha256 = in.readUTF();
            String md5 = in.readUTF();
            Optional<Blob> blob = store.existing(sha256, size);
            if (blob.isEmpty()) {
              return Optional.empty(); // the store was cleaned since: read the archive again
            }
            entries.add(new Entry(name, path, new FsNode.RegularFile(meta, blob.get()), null, md5));
          }
          default -> {
            return Optional.empty();
          }
        }
      }
      return in.read() == -1 ? Optional.of(entries) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // none yet, truncated or damaged: the archive is the truth
    }
  }

  /** Keeps {@code entries}, read and checked from {@code p}'s archive; a failure to keep them costs only time. */
  static void save(BlobStore store, PackageContent p, List<Entry> entries) {
    Path f = file(store, p);
    Path tmp = null;
    try {
      Files.createDirectories(f.getParent());
      tmp = Files.createTempFile(f.getParent(), p.sha256(), ".part");
      try (OutputStream raw = Files.newOutputStream(tmp);
          DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16))) {
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeUTF(p.id());
        out.writeInt(entries.size());
        for (Entry e : entries) {
          out.writeUTF(e.name());
          out.writeUTF(e.path().value());
          if (e.node() == null) {
            out.writeByte(HARDLINK);
            out.writeUTF(e.linkTarget().value());
            continue;
          }
          FsNode n = e.node();
          NodeMetadata m = n.metadata();
          byte kind = n instanceof FsNode.Directory ? DIRECTORY : n instanceof FsNode.Symlink ? SYMLINK
              : n instanceof FsNode.Fifo ? FIFO : n instanceof FsNode.RegularFile ? FILE : 0;
          if (kind == 0 || !m.xattrs().isEmpty()) {
            return; // packages ship neither; such an entry is not kept rather than kept wrong
          }
          out.writeByte(kind);
          out.writeInt(m.permissions());
          out.writeInt(m.uid());
          out.writeInt(m.gid());
          out.writeLong(m.mtime());
          if (n instanceof FsNode.Symlink s) {
            out.writeUTF(s.target());
          } else if (n instanceof FsNode.RegularFile r) {
            out.writeLong(r.blob().size());
            out.writeUTF(r.blob().sha256());
            out.writeUTF(e.md5());
          }
        }
      }
      try {
        Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException | RuntimeException e) {
      // A read-only or full cache: the next build reads the archive again.
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // left in the cache's own directory, overwritten by nothing, harmless
        }
      }
    }
  }
}

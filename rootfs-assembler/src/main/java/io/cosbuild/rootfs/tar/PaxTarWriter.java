package io.cosbuild.rootfs.tar;

import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.NodeMetadata;
import io.cosbuild.rootfs.tree.Xattr;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Exports an {@link FsTree} as a POSIX (pax) tar archive, so any tree can be unpacked, diffed or
 * fed to other tools. The same tree always gives the same bytes: entries in the tree's order
 * ({@code ./}, then parents before children, siblings by UTF-8 bytes), numeric owners only (no
 * user or group names, nothing from the host), every mtime clamped to {@code min(mtime, epoch)},
 * long names and big numbers as pax records, extended attributes as {@code SCHILY.xattr.*}
 * records, and every later name of a hard-linked file as a hard link to its first name.
 * Sockets cannot be stored in tar and are refused. Stateless and thread-safe; the caller closes
 * the stream or channel it passes in (the archive's end blocks are written before returning).
 */
public final class PaxTarWriter {

  private PaxTarWriter() {}

  public static void write(FsTree tree, WritableByteChannel out, long clampEpoch) throws IOException {
    write(tree, Channels.newOutputStream(out), clampEpoch);
  }

  public static void write(FsTree tree, OutputStream out, long clampEpoch) throws IOException {
    if (clampEpoch < 0) {
      throw new IllegalArgumentException("clamp epoch must not be negative: " + clampEpoch);
    }
    OutputStream shield = new java.io.FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        flush(); // finish() writes the end blocks; the caller owns the stream
      }
    };
    TarArchiveOutputStream tar = new TarArchiveOutputStream(shield, 10240, StandardCharsets.UTF_8.name());
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setAddPaxHeadersForNonAsciiNames(true);
    Map<Integer, String> firstName = new HashMap<>();
    for (Map.Entry<FsPath, FsNode> e : tree.entries().entrySet()) {
      FsPath path = e.getKey();
      FsNode node = e.getValue();
      String name = path.isRoot() ? "./" : "./" + path.relative();
      TarArchiveEntry entry;
      boolean content = false;
      if (node instanceof FsNode.Directory) {
        entry = new TarArchiveEntry(name + (path.isRoot() ? "" : "/"), TarConstants.LF_DIR, true);
      } else if (node instanceof FsNode.RegularFile f) {
        String first = f.linkGroup() == 0 ? null : firstName.putIfAbsent(f.linkGroup(), name);
        if (first != null) {
          entry = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
          entry.setLinkName(first);
        } else {
          entry = new TarArchiveEntry(name, TarConstants.LF_NORMAL, true);
          entry.setSize(f.blob().size());
          content = true;
        }
      } else if (node instanceof FsNode.Symlink s) {
        entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
        entry.setLinkName(s.target());
      } else if (node instanceof FsNode.Device d) {
        entry = new TarArchiveEntry(name, d.block() ? TarConstants.LF_BLK : TarConstants.LF_CHR, true);
        entry.setDevMajor(d.major());
        entry.setDevMinor(d.minor());
      } else if (node instanceof FsNode.Fifo) {
        entry = new TarArchiveEntry(name, TarConstants.LF_FIFO, true);
      } else {
        throw new IOException(path + ": a socket cannot be stored in a tar archive; remove it from the tree first");
      }
      NodeMetadata m = node.metadata();
      entry.setMode(node.mode());
      entry.setUserId(m.uid());
      entry.setGroupId(m.gid());
      entry.setUserName("");
      entry.setGroupName("");
      entry.setModTime(Math.min(m.mtime(), clampEpoch) * 1000L);
      for (Xattr x : m.xattrs()) {
        entry.addPaxHeader("SCHILY.xattr." + x.name(), utf8(x, path));
      }
      tar.putArchiveEntry(entry);
      if (content && node instanceof FsNode.RegularFile f) {
        try (InputStream in = f.blob().open()) {
          long copied = in.transferTo(tar);
          if (copied != f.blob().size()) {
            throw new IOException(path + ": blob " + f.blob().location() + " has " + copied + " bytes, expected "
                + f.blob().size() + "; the blob store is damaged");
          }
        }
      }
      tar.closeArchiveEntry();
    }
    tar.finish();
    tar.close();
  }

  /**
   * Commons Compress writes pax values as UTF-8 text, so a binary xattr value (e.g. a
   * {@code security.capability}) cannot round-trip; it is refused rather than corrupted.
   */
  private static String utf8(Xattr x, FsPath path) throws IOException {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(x.value())).toString();
    } catch (CharacterCodingException e) {
      throw new IOException(path + ": xattr " + x.name() + " has a binary value, which this tar writer cannot store");
    }
  }
}

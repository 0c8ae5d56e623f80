package io.cosbuild.rootfs.cpio;

import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;

/**
 * Writes an {@link FsTree} as a SVR4 {@code newc} cpio archive (the format the Linux kernel
 * unpacks as an initramfs), streaming each file's bytes from its blob.
 *
 * <p>Reproducible: entries in {@link FsPath} order (parents before children), every mtime the
 * given {@code mtime}, inode numbers 1, 2, 3, ... in write order, device 0:0, uid and gid from
 * the tree (callers that want 0:0 put 0:0 in the tree). The root is written as {@code "."},
 * other names relative ({@code bin/busybox}). Hard links are written as independent copies (an
 * initramfs is small, and it keeps every entry self-contained for the kernel's unpacker and
 * GNU cpio alike).
 *
 * <p>Newc header (110 ASCII bytes, each number 8 hex digits): magic {@code 070701}, ino, mode,
 * uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check
 * (0); then the NUL-terminated name padded to 4 bytes, then the data padded to 4 bytes; the
 * archive ends with {@code TRAILER!!!} and is padded to 512 bytes.
 *
 * <p>Stateless and thread-safe. {@link #write} does not close {@code out}.
 */
public final class NewcCpioWriter {

  private static final int BLOCK_SIZE = 512;

  private NewcCpioWriter() {}

  /**
   * Writes {@code tree} to {@code out}.
   *
   * @param mtime the modification time of every entry, seconds since the epoch (SOURCE_DATE_EPOCH)
   * @return the number of entries written, the trailer not counted
   * @throws IOException if a blob cannot be read or {@code out} fails
   */
  public static int write(FsTree tree, long mtime, OutputStream out) throws IOException {
    if (mtime < 0 || mtime > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("newc cpio mtime must fit in 32 bits: " + mtime);
    }
    @SuppressWarnings("resource") // closing would close out; finish() writes the trailer
    CpioArchiveOutputStream cpio = new CpioArchiveOutputStream(new NonClosing(out), CpioConstants.FORMAT_NEW,
        BLOCK_SIZE, StandardCharsets.UTF_8.name());
    int ino = 0;
    for (Map.Entry<FsPath, FsNode> e : tree.entries().entrySet()) {
      FsNode node = e.getValue();
      if (node instanceof FsNode.Socket) {
        continue; // a socket in an archive means nothing; the kernel would refuse to create it anyway
      }
      byte[] linkTarget = node instanceof FsNode.Symlink s ? s.target().getBytes(StandardCharsets.UTF_8) : null;
      long size = 0;
      if (node instanceof FsNode.RegularFile f) {
        size = f.blob().size();
      } else if (linkTarget != null) {
        size = linkTarget.length;
      }
      if (size > 0xFFFF_FFFFL) {
        throw new IOException(e.getKey() + ": " + size + " bytes does not fit a newc cpio entry (4 GiB - 1 at most)");
      }
      CpioArchiveEntry entry = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, e.getKey().relative(), size);
      entry.setInode(++ino);
      entry.setMode(node.mode());
      entry.setUID(node.metadata().uid());
      entry.setGID(node.metadata().gid());
      entry.setNumberOfLinks(node instanceof FsNode.Directory ? 2 : 1);
      entry.setTime(mtime);
      entry.setDeviceMaj(0);
      entry.setDeviceMin(0);
      if (node instanceof FsNode.Device d) {
        entry.setRemoteDeviceMaj(d.major());
        entry.setRemoteDeviceMin(d.minor());
      }
      cpio.putArchiveEntry(entry);
      if (node instanceof FsNode.RegularFile f) {
        try (InputStream in = f.blob().open()) {
          long copied = in.transferTo(cpio);
          if (copied != size) {
            throw new IOException(e.getKey() + ": blob " + f.blob().location() + " holds " + copied
                + " bytes but the tree says " + size + "; the blob store was changed under the build");
          }
        }
      } else if (linkTarget != null) {
        cpio.write(linkTarget);
      }
      cpio.closeArchiveEntry();
    }
    cpio.finish();
    return ino;
  }

  /** Keeps the archive stream's close from closing the caller's stream. */
  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}

package io.cosbuild.disk.inspect;

import io.cosbuild.disk.DiskImageException;
import io.cosbuild.disk.qcow2.Qcow2Header;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens a raw disk image for reading, refusing first what cannot be one: anything but a regular file or a block
 * device (opening a FIFO would wait for a writer for ever) and a qcow2 image (its GPT lies inside clusters, so
 * read raw it shows only noise). Stateless and thread-safe.
 */
final class DiskFile {
  private static final int TYPE_MASK = 0170000;
  private static final int REGULAR = 0100000;
  private static final int BLOCK_DEVICE = 0060000;

  private DiskFile() {}

  /**
   * The open disk; the caller closes it.
   *
   * @throws DiskImageException if {@code disk} is not a raw disk image, saying what it is
   * @throws IOException if it cannot be read (no such file, permission denied)
   */
  static FileChannel open(Path disk) throws IOException, DiskImageException {
    int type = (Integer) Files.getAttribute(disk, "unix:mode") & TYPE_MASK;
    if (type != REGULAR && type != BLOCK_DEVICE) {
      throw new DiskImageException(disk + " is " + kind(type) + ", not a disk image (a regular file or block device)");
    }
    FileChannel ch = FileChannel.open(disk, StandardOpenOption.READ);
    try {
      ByteBuffer magic = ByteBuffer.allocate(4);
      while (magic.hasRemaining() && ch.read(magic, magic.position()) > 0) {
        // a short read is a file under 4 bytes: no magic
      }
      if (!magic.hasRemaining() && magic.getInt(0) == Qcow2Header.MAGIC) {
        throw new DiskImageException(disk + " is a qcow2 image, not a raw disk: convert it first with "
            + "qemu-img convert -O raw " + disk + " " + rawSibling(disk));
      }
      return ch;
    } catch (IOException | DiskImageException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  private static String kind(int type) {
    return switch (type) {
      case 0040000 -> "a directory";
      case 0010000 -> "a FIFO";
      case 0020000 -> "a character device";
      case 0140000 -> "a socket";
      default -> "of file type " + Integer.toOctalString(type);
    };
  }

  /** {@code dir/g.qcow2} becomes {@code dir/g.raw}. */
  private static Path rawSibling(Path disk) {
    String name = disk.getFileName().toString();
    return disk.resolveSibling((name.endsWith(".qcow2") ? name.substring(0, name.length() - 6) : name) + ".raw");
  }
}

package io.cosbuild.rootfs.tree;

/**
 * A node of an {@link FsTree}. Hard links are not a node type: every path of a hard-linked file
 * holds a {@link RegularFile} with the same non-zero {@code linkGroup}, and writers give all paths
 * of one group a single inode. All implementations are immutable and thread-safe.
 */
public sealed interface FsNode {

  NodeMetadata metadata();

  /** The file type bits of {@code st_mode} (S_IFDIR, S_IFREG, ...). */
  int typeBits();

  /** The full {@code st_mode}: type bits and permissions. */
  default int mode() {
    return typeBits() | metadata().permissions();
  }

  FsNode withMetadata(NodeMetadata metadata);

  int S_IFSOCK = 0140000;
  int S_IFLNK = 0120000;
  int S_IFREG = 0100000;
  int S_IFBLK = 0060000;
  int S_IFDIR = 0040000;
  int S_IFCHR = 0020000;
  int S_IFIFO = 0010000;

  /** A directory; its children are held by the tree. */
  record Directory(NodeMetadata metadata) implements FsNode {
    @Override
    public int typeBits() {
      return S_IFDIR;
    }

    @Override
    public Directory withMetadata(NodeMetadata m) {
      return new Directory(m);
    }
  }

  /**
   * A regular file whose bytes are {@code blob}; {@code linkGroup} is 0 for a file with one name,
   * or a tree-wide id shared by all names of one hard-linked file.
   */
  record RegularFile(NodeMetadata metadata, Blob blob, int linkGroup) implements FsNode {
    public RegularFile {
      if (linkGroup < 0) {
        throw new IllegalArgumentException("linkGroup must not be negative");
      }
    }

    public RegularFile(NodeMetadata metadata, Blob blob) {
      this(metadata, blob, 0);
    }

    @Override
    public int typeBits() {
      return S_IFREG;
    }

    @Override
    public RegularFile withMetadata(NodeMetadata m) {
      return new RegularFile(m, blob, linkGroup);
    }
  }

  /** A symbolic link; the target is stored as written, relative or absolute. */
  record Symlink(NodeMetadata metadata, String target) implements FsNode {
    public Symlink {
      // Short messages without the path, which only the caller knows and adds.
      if (target == null || target.isEmpty()) {
        throw new IllegalArgumentException("symlink target is empty");
      } else if (target.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("symlink target " + Abbreviated.of(target) + " contains a NUL character");
      } else if (target.length() > 4095 / 3 && utf8Length(target) > 4095) {
        // Bytes, as the kernel counts them (PATH_MAX with its NUL): up to 3 per UTF-16 unit.
        throw new IllegalArgumentException("symlink target " + Abbreviated.of(target) + " is " + utf8Length(target)
            + " bytes in UTF-8, longer than 4095");
      }
    }

    private static int utf8Length(String s) {
      return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    @Override
    public int typeBits() {
      return S_IFLNK;
    }

    @Override
    public Symlink withMetadata(NodeMetadata m) {
      return new Symlink(m, target);
    }
  }

  /** A character or block device node. */
  record Device(NodeMetadata metadata, boolean block, int major, int minor) implements FsNode {
    public Device {
      if (major < 0 || major > 0xfff || minor < 0 || minor > 0xfffff) {
        throw new IllegalArgumentException("device number " + major + ":" + minor
            + " is out of range (major 0 to 4095, minor 0 to 1048575)");
      }
    }

    @Override
    public int typeBits() {
      return block ? S_IFBLK : S_IFCHR;
    }

    @Override
    public Device withMetadata(NodeMetadata m) {
      return new Device(m, block, major, minor);
    }

    /** The Linux {@code dev_t} encoding (new_encode_dev) used by ext4, squashfs and cpio. */
    public int encodedDevice() {
      return (minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12);
    }
  }

  /** A named pipe. */
  record Fifo(NodeMetadata metadata) implements FsNode {
    @Override
    public int typeBits() {
      return S_IFIFO;
    }

    @Override
    public Fifo withMetadata(NodeMetadata m) {
      return new Fifo(m);
    }
  }

  /** A unix socket node. */
  record Socket(NodeMetadata metadata) implements FsNode {
    @Override
    public int typeBits() {
      return S_IFSOCK;
    }

    @Override
    public Socket withMetadata(NodeMetadata m) {
      return new Socket(m);
    }
  }
}

package io.cosbuild.rootfs.tree;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where a host file's holes are, by {@code lseek(2)} with {@code SEEK_DATA} and {@code SEEK_HOLE}, so the
 * writers need not read them: the kernel would zero-fill the page cache for every hole it is asked to read
 * (a 5 GiB sparse file took 14 s), where mke2fs -d skips them the same way. Only an optimisation: reading a
 * hole gives zeros all the same, so whenever the answer is not clear the whole file counts as data.
 * ({@code disk-image}'s DataExtents asks the same of partition images; the module map gives the two no
 * common module.)
 * Stateless and thread-safe.
 */
public final class HostHoles {

  /** Smaller files are read whole: three system calls through JNA cost more than reading them. */
  static final long MIN_SIZE = 1 << 20;

  private static final int O_RDONLY = 0;
  private static final int O_CLOEXEC = 02000000;
  private static final int SEEK_DATA = 3;
  private static final int SEEK_HOLE = 4;
  private static final int ENXIO = 6;
  /** How the JDK turns paths into bytes for the kernel. */
  private static final Charset JNU = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));

  private final long[] holes;

  private HostHoles(long[] holes) {
    this.holes = holes;
  }

  /** No holes at all: every byte is read. */
  public static final HostHoles NONE = new HostHoles(new long[0]);

  /**
   * The holes of the first {@code size} bytes of {@code file}; {@link #NONE} for small files, for a
   * filesystem that reports none, and where the file cannot be asked (its reader will say why).
   */
  public static HostHoles of(Path file, long size) {
    if (size < MIN_SIZE || file == null) {
      return NONE;
    }
    try {
      return new HostHoles(find(file, size));
    } catch (LastErrorException | LinkageError e) {
      return NONE;
    }
  }

  /** Hole ranges as start, end pairs, in order, within [0, size). */
  private static long[] find(Path file, long size) {
    byte[] path = (file.toAbsolutePath() + "\0").getBytes(JNU);
    int fd = Libc.open(path, O_RDONLY | O_CLOEXEC);
    try {
      long[] out = new long[8];
      int n = 0;
      long pos = 0;
      while (pos < size) {
        long hole = Libc.lseek(fd, pos, SEEK_HOLE);
        if (hole >= size) {
          break;
        }
        long data;
        try {
          data = Libc.lseek(fd, hole, SEEK_DATA);
        } catch (LastErrorException e) {
          if (e.getErrorCode() != ENXIO) {
            throw e;
          }
          data = size; // a hole up to the end
        }
        if (n + 2 > out.length) {
          out = Arrays.copyOf(out, out.length * 2);
        }
        out[n++] = hole;
        out[n++] = Math.min(data, size);
        pos = data;
      }
      return Arrays.copyOf(out, n);
    } finally {
      try {
        Libc.close(fd);
      } catch (LastErrorException ignored) {
        // read-only descriptor: nothing to lose
      }
    }
  }

  /** Whether every byte of [from, from + length) lies in a hole. */
  public boolean isHole(long from, long length) {
    // Few files have more than a handful of holes: a binary search over the starts.
    int lo = 0;
    int hi = holes.length / 2 - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (holes[2 * mid] <= from) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return hi >= 0 && from + length <= holes[2 * hi + 1];
  }

  /** Bytes in holes. */
  public long holeBytes() {
    long sum = 0;
    for (int i = 0; i < holes.length; i += 2) {
      sum += holes[i + 1] - holes[i];
    }
    return sum;
  }

  /** The C library's calls, bound directly (JNA's fastest mapping); off_t is 64-bit on every target. */
  private static final class Libc {
    static {
      Native.register(Libc.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    static native int open(byte[] path, int flags) throws LastErrorException;

    static native long lseek(int fd, long offset, int whence) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;
  }
}

package io.cosbuild.disk.layout;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where a file has data, as {@code lseek(2)} with {@code SEEK_DATA} and {@code SEEK_HOLE} tells: a partition
 * image of several GiB (an empty STATE filesystem) is mostly holes, which reading would turn into gigabytes of
 * zeros to compare, and so is a built disk that {@code cosbuild verify} checks for zeros. Where the answer cannot be had (a filesystem without the calls, JNA's native part not
 * loading), the whole file counts as data, which is only slower. Stateless and thread-safe.
 */
public final class DataExtents {

  private static final int O_RDONLY = 0;
  private static final int O_CLOEXEC = 02000000;
  private static final int SEEK_DATA = 3;
  private static final int SEEK_HOLE = 4;
  private static final int ENXIO = 6;

  private static final Charset JNU = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));

  private DataExtents() {}

  /** Ranges {@code {offset, length}} of {@code file}'s first {@code length} bytes that may hold data, in order. */
  public static List<long[]> of(Path file, long length) {
    List<long[]> whole = length == 0 ? List.of() : List.<long[]>of(new long[] {0, length});
    byte[] path = file.toAbsolutePath().toString().getBytes(JNU);
    int fd;
    try {
      fd = Libc.open(Arrays.copyOf(path, path.length + 1), O_RDONLY | O_CLOEXEC);
    } catch (LastErrorException | LinkageError e) {
      return whole;
    }
    try {
      List<long[]> out = new ArrayList<>();
      long at = 0;
      while (at < length) {
        long data;
        try {
          data = Libc.lseek(fd, at, SEEK_DATA);
        } catch (LastErrorException e) {
          if (e.getErrorCode() == ENXIO) {
            break; // only a hole from here on
          }
          return whole;
        }
        if (data >= length) {
          break;
        }
        long hole = Math.min(length, Libc.lseek(fd, data, SEEK_HOLE));
        out.add(new long[] {data, hole - data});
        at = hole;
      }
      return out;
    } catch (LastErrorException e) {
      return whole;
    } finally {
      try {
        Libc.close(fd);
      } catch (LastErrorException ignored) {
        // read-only descriptor: nothing to lose
      }
    }
  }

  /** The C library's calls, bound directly; off_t is 64-bit on every target. */
  private static final class Libc {
    static {
      Native.register(Libc.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    static native int open(byte[] path, int flags) throws LastErrorException;

    static native long lseek(int fd, long offset, int whence) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;
  }
}

package io.cosbuild.rootfs.source;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import io.cosbuild.rootfs.tree.Abbreviated;
import io.cosbuild.rootfs.tree.TreeException;
import io.cosbuild.rootfs.tree.Xattr;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every extended attribute of a host path, as {@code llistxattr(2)} and {@code lgetxattr(2)} give
 * them: {@code security.capability}, SELinux labels and {@code trusted.*} (as root) as well as
 * {@code user.*}, which is all the JDK's own view can see. The calls name the path and do not follow
 * or open it, so symlinks, fifos and device nodes are read like files and nothing blocks. Called
 * through JNA, loaded on first use. Stateless and thread-safe.
 */
final class HostXattrs {

  private static final int ENOENT = 2;
  private static final int ERANGE = 34;
  private static final int ENODATA = 61;
  private static final int EOPNOTSUPP = 95;
  /** linux/limits.h: the longest list of names a file can have. */
  private static final int XATTR_LIST_MAX = 65536;

  private HostXattrs() {}

  /**
   * The attributes of {@code p}, sorted by name; none where its filesystem has no xattr support.
   * A name that is not UTF-8 is refused, as file names are.
   */
  static List<Xattr> read(Path p) throws IOException, TreeException {
    byte[] path = cString(HostNames.bytes(p));
    List<Xattr> out = new ArrayList<>();
    try {
      for (byte[] name : names(p, path)) {
        byte[] value = value(p, path, name);
        if (value != null) {
          out.add(new Xattr(utf8Name(p, name), value));
        }
      }
    } catch (LinkageError e) {
      // JNA's native part could not load (an unsupported platform, a temporary directory mounted noexec).
      throw new IOException(p + ": cannot read its extended attributes, the C library is out of reach (" + e
          + "); set jna.tmpdir to an executable directory, or build from a tar (tar --xattrs)", e);
    }
    out.sort(null);
    return out;
  }

  /** The names {@code llistxattr} lists, without their NUL terminators. */
  private static List<byte[]> names(Path p, byte[] path) throws IOException {
    byte[] list = new byte[256];
    while (true) {
      long n;
      try {
        n = Libc.llistxattr(path, list, list.length);
      } catch (LastErrorException e) {
        if (e.getErrorCode() == EOPNOTSUPP) {
          return List.of(); // a filesystem without xattrs has none to copy
        } else if (e.getErrorCode() == ERANGE && list.length <= XATTR_LIST_MAX) {
          list = new byte[Math.max(list.length * 2, (int) Libc.listSize(path))];
          continue; // grew since the last call
        }
        throw failure(p, "list", e);
      }
      List<byte[]> names = new ArrayList<>();
      int start = 0;
      for (int i = 0; i < n; i++) {
        if (list[i] == 0) {
          if (i > start) {
            names.add(Arrays.copyOfRange(list, start, i));
          }
          start = i + 1;
        }
      }
      return names;
    }
  }

  /** The value of {@code name}, or null if it was removed since it was listed. */
  private static byte[] value(Path p, byte[] path, byte[] name) throws IOException {
    byte[] cname = cString(name);
    byte[] value = new byte[256];
    while (true) {
      try {
        long n = Libc.lgetxattr(path, cname, value, value.length);
        return Arrays.copyOf(value, (int) n);
      } catch (LastErrorException e) {
        if (e.getErrorCode() == ENODATA) {
          return null;
        } else if (e.getErrorCode() == ERANGE && value.length <= Xattr.SIZE_MAX) {
          value = new byte[Math.max(value.length * 2, (int) Libc.valueSize(path, cname))];
          continue;
        }
        throw failure(p, "read " + Abbreviated.of(new String(name, StandardCharsets.UTF_8)), e);
      }
    }
  }

  private static String utf8Name(Path p, byte[] name) throws TreeException {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(name)).toString();
    } catch (CharacterCodingException e) {
      throw new TreeException(p + ": xattr name " + Abbreviated.of(new String(name, StandardCharsets.UTF_8))
          + " is not valid UTF-8; names must be valid UTF-8 (cosbuild keeps them byte for byte): remove it");
    }
  }

  private static IOException failure(Path p, String what, LastErrorException e) {
    String reason = e.getErrorCode() == ENOENT ? "it disappeared while being read" : e.getMessage();
    return new IOException(p + ": cannot " + what + " its extended attributes: " + reason, e);
  }

  private static byte[] cString(byte[] s) {
    return Arrays.copyOf(s, s.length + 1);
  }

  /** The C library's calls, bound directly (JNA's fastest mapping); size_t is 64-bit on every target. */
  private static final class Libc {
    static {
      Native.register(Libc.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    static native long llistxattr(byte[] path, byte[] list, long size) throws LastErrorException;

    static native long lgetxattr(byte[] path, byte[] name, byte[] value, long size) throws LastErrorException;

    /** The size the list needs now (a call with size 0), or 0 if that fails too. */
    static long listSize(byte[] path) {
      try {
        return llistxattr(path, null, 0);
      } catch (LastErrorException e) {
        return 0;
      }
    }

    /** The size the value needs now, or 0 if that fails too. */
    static long valueSize(byte[] path, byte[] name) {
      try {
        return lgetxattr(path, name, null, 0);
      } catch (LastErrorException e) {
        return 0;
      }
    }
  }
}

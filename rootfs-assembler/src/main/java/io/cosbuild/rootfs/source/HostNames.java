package io.cosbuild.rootfs.source;

import io.cosbuild.rootfs.tree.Abbreviated;
import io.cosbuild.rootfs.tree.TreeException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Names from the host as a tree may hold them. The JDK decodes file names and symlink targets
 * with the locale's charset (sun.jnu.encoding) and turns bytes it cannot decode into U+FFFD,
 * while the writers store each name's UTF-8 bytes: a name is taken only when it is exactly the bytes
 * on disk and those are UTF-8. Anything else would be altered without a word (in the C locale every
 * non-ASCII name), and two names could become one. Stateless and thread-safe.
 */
final class HostNames {

  private static final String JNU_NAME = System.getProperty("sun.jnu.encoding", "");
  private static final Charset JNU = charset(JNU_NAME);
  private static final boolean UTF8 = StandardCharsets.UTF_8.equals(JNU);

  private HostNames() {}

  /** The name of {@code p} in its directory. */
  static String fileName(Path p) throws TreeException {
    Path name = p.getFileName();
    String s = name.toString();
    if (!isExact(name, s)) {
      throw refused(p, "file name");
    }
    return s;
  }

  /** The target of the symlink {@code link} as read, {@code target}: checked name by name. */
  static String symlinkTarget(Path link, Path target) throws TreeException {
    for (Path element : target) {
      if (!isExact(element, element.toString())) {
        throw refused(link, "symlink target");
      }
    }
    return target.toString();
  }

  /** The bytes the JDK itself passes to the kernel for {@code p}: for system calls the JDK has no method for. */
  static byte[] bytes(Path p) {
    return p.toString().getBytes(JNU != null ? JNU : StandardCharsets.UTF_8);
  }

  /** Whether {@code decoded}, one name of {@code raw}, encodes back to raw's bytes and they are UTF-8. */
  private static boolean isExact(Path raw, String decoded) {
    if (isAscii(decoded)) {
      return true; // decoders give U+FFFD, never ASCII, for bytes they cannot read
    }
    try {
      // UnixPath compares bytes: the decoded name made a path again is the same only if it round-trips.
      return sameInUtf8(decoded) && raw.getFileSystem().getPath(decoded).equals(raw);
    } catch (InvalidPathException unmappable) {
      return false;
    }
  }

  private static boolean sameInUtf8(String s) {
    return UTF8 || isAscii(s)
        || JNU != null && Arrays.equals(s.getBytes(JNU), s.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  private static TreeException refused(Path p, String what) {
    if (UTF8) {
      return new TreeException(p + ": " + what + " is not valid UTF-8; names must be valid UTF-8 (cosbuild keeps "
          + "them byte for byte): rename it");
    }
    return new TreeException(p + ": " + what + " cannot be read as UTF-8: the locale is not UTF-8 (file names "
        + "decode as " + JNU_NAME + "); run with a UTF-8 locale, e.g. LC_ALL=C.UTF-8 (the cosbuild launcher sets it "
        + "where installed), and names must be valid UTF-8");
  }

  private static Charset charset(String name) {
    try {
      return Charset.forName(name);
    } catch (IllegalArgumentException unknown) {
      return null;
    }
  }
}

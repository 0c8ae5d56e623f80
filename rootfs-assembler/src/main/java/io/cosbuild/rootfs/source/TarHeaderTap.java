package io.cosbuild.rootfs.source;

import io.cosbuild.rootfs.tree.TreeException;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarUtils;

/**
 * Sees the raw bytes Commons Compress reads from a tar stream, to check and recover what it does not:
 * every header's checksum, names that are not UTF-8 (it would decode them to U+FFFD or '?', and two names
 * could become one), GNU dump-directory entries (it would read their data as headers), and the exact bytes
 * of {@code SCHILY.xattr.*} pax records, which it decodes as UTF-8 text: a binary value such as a file
 * capability with bit 7 set would be corrupted, and an empty value is dropped.
 *
 * <p>Commons Compress reads a tar stream strictly in order and never ahead, and every header starts on a
 * 512-byte boundary; so the bytes that pass while it looks for the next entry, from the next boundary on,
 * are that entry's meta headers (pax, GNU long names) and its own header. The caller reads each entry's data
 * to its end before asking for the next one, so nothing but padding is recorded before them.
 */
final class TarHeaderTap extends FilterInputStream {

  private static final int BLOCK = 512;
  private static final String XATTR = "SCHILY.xattr.";

  /** What the headers of one entry say, beyond what Commons Compress reports. */
  record Headers(byte typeflag, Map<String, byte[]> xattrs) {}

  private long offset;
  private long recordingFrom;
  private ByteArrayOutputStream recording;
  /** Xattrs of {@code g} (global pax) headers: they apply to every later entry. */
  private final Map<String, byte[]> globalXattrs = new TreeMap<>();
  private final byte[] scratch = new byte[8192];

  TarHeaderTap(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      offset++;
      if (recording != null) {
        recording.write(b);
      }
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      offset += n;
      if (recording != null) {
        recording.write(b, off, n);
      }
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    if (recording == null) {
      long s = in.skip(n);
      offset += Math.max(0, s);
      return s;
    }
    // While recording, skipped bytes are read so that they are seen.
    int r = read(scratch, 0, (int) Math.min(n, scratch.length));
    return Math.max(0, r);
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  void startRecording() {
    recording = new ByteArrayOutputStream();
    recordingFrom = offset;
  }

  /**
   * The headers passed since {@link #startRecording()}, checked; null when they end the archive.
   *
   * @param archive names the archive in errors
   * @param previous the member before, quoted, to say where a problem is when a header names nothing usable
   */
  Headers stopRecording(String archive, String previous) throws TreeException {
    byte[] b = recording.toByteArray();
    recording = null;
    String where = previous == null ? "at the start" : "after member " + previous;
    int pos = (int) ((BLOCK - recordingFrom % BLOCK) % BLOCK);
    Map<String, byte[]> local = new TreeMap<>();
    while (pos + BLOCK <= b.length) {
      byte[] h = Arrays.copyOfRange(b, pos, pos + BLOCK);
      if (isZero(h)) {
        return null;
      }
      if (!checksumMatches(h)) {
        throw new TreeException(archive + ": corrupt tar header " + where + " (its checksum does not match)");
      }
      byte type = h[156];
      long size = size(h);
      checkName(archive, where, h, 0, 100);
      checkName(archive, where, h, 157, 100);
      if (Arrays.equals(h, 257, 263, "ustar\0".getBytes(StandardCharsets.US_ASCII), 0, 6)) {
        checkName(archive, where, h, 345, 155); // the POSIX prefix; GNU headers keep times there
      }
      if (type == 'x' || type == 'X' || type == 'g' || type == 'L' || type == 'K') {
        if (size < 0 || size > b.length - pos - BLOCK) {
          throw new TreeException(archive + ": a tar meta header " + where + " says it has " + size
              + " bytes, more than the archive holds there");
        }
        byte[] data = Arrays.copyOfRange(b, pos + BLOCK, pos + BLOCK + (int) size);
        if (type == 'L' || type == 'K') {
          requireUtf8(archive, where, trimNuls(data));
        } else {
          pax(archive, where, data, type == 'g' ? globalXattrs : local);
        }
        pos += BLOCK + (int) ((size + BLOCK - 1) / BLOCK * BLOCK);
        continue;
      }
      if (type == 'D') {
        throw new TreeException(archive + ": a GNU incremental dump-directory entry " + where
            + " is not supported; make the archive without --listed-incremental");
      }
      if (type == '5' && size > 0) {
        throw new TreeException(archive + ": a directory entry " + where + " has " + size + " bytes of data");
      }
      Map<String, byte[]> xattrs = new TreeMap<>(globalXattrs);
      xattrs.putAll(local);
      return new Headers(type, xattrs);
    }
    return null;
  }

  /** Records of one pax header: checks names are UTF-8, keeps {@code SCHILY.xattr.*} values byte for byte. */
  private static void pax(String archive, String where, byte[] data, Map<String, byte[]> xattrs) throws TreeException {
    int pos = 0;
    while (pos < data.length) {
      int space = pos;
      long len = 0;
      while (space < data.length && data[space] >= '0' && data[space] <= '9' && len < Integer.MAX_VALUE) {
        len = len * 10 + (data[space] - '0');
        space++;
      }
      // The shortest record is "N k=\n": its length counts its own digits, the space, a key, '=' and '\n'.
      if (space == pos || space >= data.length || data[space] != ' ' || len < space - pos + 4
          || len > data.length - pos || data[(int) (pos + len - 1)] != '\n') {
        if (space == pos && isZero(Arrays.copyOfRange(data, pos, data.length))) {
          return; // NUL padding after the last record, as some writers leave
        }
        throw new TreeException(archive + ": a malformed pax header record " + where);
      }
      int end = (int) (pos + len - 1);
      int eq = space + 1;
      while (eq < end && data[eq] != '=') {
        eq++;
      }
      if (eq >= end) {
        throw new TreeException(archive + ": a pax header record without '=' " + where);
      }
      String key = requireUtf8(archive, where, Arrays.copyOfRange(data, space + 1, eq));
      byte[] value = Arrays.copyOfRange(data, eq + 1, end);
      if (key.equals("path") || key.equals("linkpath")) {
        requireUtf8(archive, where, value);
      } else if (key.startsWith(XATTR)) {
        xattrs.put(key.substring(XATTR.length()), value);
      }
      pos += (int) len;
    }
  }

  private static void checkName(String archive, String where, byte[] h, int at, int length) throws TreeException {
    int end = at;
    while (end < at + length && h[end] != 0) {
      end++;
    }
    requireUtf8(archive, where, Arrays.copyOfRange(h, at, end));
  }

  private static String requireUtf8(String archive, String where, byte[] bytes) throws TreeException {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new TreeException(archive + ": a name " + where + " is not valid UTF-8: '" + escaped(bytes)
          + "'; image paths are UTF-8 (rename it, or make the archive in a UTF-8 locale)");
    }
  }

  /** Printable ASCII as is, every other byte as \xNN. */
  static String escaped(byte[] bytes) {
    StringBuilder s = new StringBuilder();
    for (byte x : bytes) {
      int c = x & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '\\') {
        s.append((char) c);
      } else {
        s.append(String.format("\\x%02x", c));
      }
    }
    return s.toString();
  }

  private static byte[] trimNuls(byte[] data) {
    int n = data.length;
    while (n > 0 && data[n - 1] == 0) {
      n--;
    }
    return Arrays.copyOf(data, n);
  }

  /** As GNU tar checks (Commons Compress's check, which its reader does not apply): unsigned or signed sum. */
  private static boolean checksumMatches(byte[] h) {
    try {
      return TarUtils.verifyCheckSum(h);
    } catch (IllegalArgumentException notOctal) {
      return false;
    }
  }

  /** The size field, octal or GNU base-256; -1 when unreadable. */
  private static long size(byte[] h) {
    try {
      return TarUtils.parseOctalOrBinary(h, 124, 12);
    } catch (IllegalArgumentException unreadable) {
      return -1;
    }
  }

  static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }
}

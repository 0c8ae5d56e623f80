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
 * could become one), GNU dump-directory entries (it would read their data as headers), the exact bytes
 * of {@code SCHILY.xattr.*} pax records, which it decodes as UTF-8 text: a binary value such as a file
 * capability with bit 7 set would be corrupted, and an empty value is dropped; and libarchive's
 * {@code LIBARCHIVE.xattr.*} records (bsdtar's), which it does not read as xattrs at all.
 *
 * <p>Commons Compress reads a tar stream strictly in order and never ahead, and every header starts on a
 * 512-byte boundary; so the bytes that pass while it looks for the next entry, from the next boundary on,
 * are that entry's meta headers (pax, GNU long names) and its own header. The caller reads each entry's data
 * to its end before asking for the next one, so nothing but padding is recorded before them.
 */
final class TarHeaderTap extends FilterInputStream {

  private static final int BLOCK = 512;
  static final String SCHILY_XATTR = "SCHILY.xattr.";
  static final String LIBARCHIVE_XATTR = "LIBARCHIVE.xattr.";

  /** What the headers of one entry say, beyond what Commons Compress reports. */
  record Headers(byte typeflag, PaxXattrs xattrs) {}

  /**
   * The extended attributes of pax headers. {@code SCHILY.xattr.NAME} records (GNU tar, star, bsdtar) hold the
   * value as it is; libarchive's {@code LIBARCHIVE.xattr.NAME} records (bsdtar) hold NAME URL-encoded (%XX for
   * bytes outside printable ASCII, '%' and '=') and the value in base64. bsdtar writes both by default, the
   * SCHILY record under the same URL-encoded NAME: records of one header that give the same attribute are one
   * attribute, and must agree.
   *
   * @param records every xattr record as written (full pax key, value bytes), to check Commons Compress against
   * @param values the attributes they give, by name
   * @param disagreeing names that a SCHILY and a LIBARCHIVE record of one header give different values
   */
  record PaxXattrs(Map<String, byte[]> records, Map<String, byte[]> values, java.util.Set<String> disagreeing) {

    PaxXattrs() {
      this(new TreeMap<>(), new TreeMap<>(), new java.util.TreeSet<>());
    }

    /** Adds {@code later}'s over this one's (a member's own header over a global one). */
    void putAll(PaxXattrs later) {
      records.putAll(later.records);
      values.putAll(later.values);
      disagreeing.addAll(later.disagreeing);
    }

    /** The attributes of one header's records: {@code schily} and {@code libarchive} by the NAME of their key. */
    static PaxXattrs of(Map<String, byte[]> schily, Map<String, byte[]> libarchive, String archive, String where)
        throws TreeException {
      PaxXattrs x = new PaxXattrs();
      Map<String, byte[]> plain = new TreeMap<>(schily);
      schily.forEach((k, v) -> x.records.put(SCHILY_XATTR + k, v));
      for (Map.Entry<String, byte[]> l : libarchive.entrySet()) {
        x.records.put(LIBARCHIVE_XATTR + l.getKey(), l.getValue());
        String name = requireUtf8(archive, where, urlDecoded(l.getKey()));
        byte[] value;
        try {
          value = java.util.Base64.getDecoder().decode(l.getValue());
        } catch (IllegalArgumentException e) {
          throw new TreeException(archive + ": the " + LIBARCHIVE_XATTR + escaped(l.getKey().getBytes(StandardCharsets.UTF_8))
              + " record of a pax header " + where + " is not base64: " + e.getMessage());
        }
        for (String same : new String[] {l.getKey(), name}) { // bsdtar's SCHILY twin; another writer's plain name
          byte[] other = plain.remove(same);
          if (other != null && !Arrays.equals(other, value)) {
            x.disagreeing.add(name);
          }
        }
        x.values.put(name, value);
      }
      x.values.putAll(plain);
      return x;
    }
  }

  private long offset;
  private long recordingFrom;
  private ByteArrayOutputStream recording;
  /** Xattrs of {@code g} (global pax) headers: they apply to every later entry. */
  private final PaxXattrs globalXattrs = new PaxXattrs();
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
    PaxXattrs local = new PaxXattrs();
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
      PaxXattrs xattrs = new PaxXattrs();
      xattrs.putAll(globalXattrs);
      xattrs.putAll(local);
      return new Headers(type, xattrs);
    }
    return null;
  }

  /**
   * Records of one pax header: checks names are UTF-8, adds the xattrs of its {@code SCHILY.xattr.*} (values
   * byte for byte) and {@code LIBARCHIVE.xattr.*} records to {@code xattrs}.
   */
  private static void pax(String archive, String where, byte[] data, PaxXattrs xattrs) throws TreeException {
    Map<String, byte[]> schily = new TreeMap<>();
    Map<String, byte[]> libarchive = new TreeMap<>();
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
          break; // NUL padding after the last record, as some writers leave
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
      } else if (key.startsWith(SCHILY_XATTR)) {
        schily.put(key.substring(SCHILY_XATTR.length()), value);
      } else if (key.startsWith(LIBARCHIVE_XATTR)) {
        libarchive.put(key.substring(LIBARCHIVE_XATTR.length()), value);
      }
      pos += (int) len;
    }
    xattrs.putAll(PaxXattrs.of(schily, libarchive, archive, where));
  }

  /** libarchive's URL decoding of an xattr name: %XX (hex, either case) is that byte, any other '%' itself. */
  static byte[] urlDecoded(String name) {
    byte[] in = name.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
    for (int i = 0; i < in.length; i++) {
      int hi = i + 2 < in.length && in[i] == '%' ? Character.digit(in[i + 1], 16) : -1;
      int lo = hi >= 0 ? Character.digit(in[i + 2], 16) : -1;
      if (lo >= 0) {
        out.write(hi << 4 | lo);
        i += 2;
      } else {
        out.write(in[i]);
      }
    }
    return out.toByteArray();
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
  static boolean checksumMatches(byte[] h) {
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

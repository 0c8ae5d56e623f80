package io.cosbuild.disk.gce;

import io.cosbuild.disk.layout.SparseMap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A GNU tar "old GNU" sparse member header (typeflag {@code 'S'}) and its extension blocks, as
 * {@code tar --format=oldgnu -S} writes them. Immutable and thread-safe.
 *
 * <table>
 * <caption>Main header, one 512-byte block (numbers: {@link TarNumbers})</caption>
 * <tr><th>offset</th><th>size</th><th>field</th><th>value written</th></tr>
 * <tr><td>0</td><td>100</td><td>name</td><td>e.g. {@code disk.raw}</td></tr>
 * <tr><td>100</td><td>8</td><td>mode</td><td>0644</td></tr>
 * <tr><td>108</td><td>8</td><td>uid</td><td>0</td></tr>
 * <tr><td>116</td><td>8</td><td>gid</td><td>0</td></tr>
 * <tr><td>124</td><td>12</td><td>size: bytes stored in the archive (sum of the regions)</td><td></td></tr>
 * <tr><td>136</td><td>12</td><td>mtime</td><td>caller's (SOURCE_DATE_EPOCH)</td></tr>
 * <tr><td>148</td><td>8</td><td>checksum: 6 octal digits, NUL, space</td><td></td></tr>
 * <tr><td>156</td><td>1</td><td>typeflag</td><td>'S'</td></tr>
 * <tr><td>157</td><td>100</td><td>link name</td><td>empty</td></tr>
 * <tr><td>257</td><td>8</td><td>magic and version</td><td>"ustar  \0"</td></tr>
 * <tr><td>265</td><td>32</td><td>user name</td><td>empty (numeric owner)</td></tr>
 * <tr><td>297</td><td>32</td><td>group name</td><td>empty</td></tr>
 * <tr><td>329</td><td>16</td><td>device major/minor</td><td>empty</td></tr>
 * <tr><td>345</td><td>41</td><td>atime, ctime, multivolume offset, longnames, pad</td><td>empty</td></tr>
 * <tr><td>386</td><td>96</td><td>4 sparse entries: offset[12], numbytes[12]</td><td></td></tr>
 * <tr><td>482</td><td>1</td><td>isextended: 1 if an extension block follows</td><td></td></tr>
 * <tr><td>483</td><td>12</td><td>realsize: the file's full size</td><td></td></tr>
 * </table>
 *
 * <p>Extension block: 21 sparse entries at 0 (24 bytes each), isextended at 504. The map always ends with the
 * entry (realsize, 0), as GNU tar writes it, so a trailing hole is restored on extraction.
 *
 * @param name member name
 * @param mtime modification time, seconds since the epoch
 * @param map the regions holding data
 */
public record OldGnuSparseHeader(String name, long mtime, SparseMap map) {
  private static final int IN_HEADER = 4;
  private static final int IN_EXTENSION = 21;

  public OldGnuSparseHeader {
    if (name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > 99) {
      throw new IllegalArgumentException("tar member name must be 1..99 bytes: '" + name + "'");
    }
    if (mtime < 0) {
      throw new IllegalArgumentException("negative mtime " + mtime);
    }
  }

  /** The header block followed by its extension blocks. */
  public byte[] toBytes() {
    List<long[]> entries = new ArrayList<>();
    for (SparseMap.Extent e : map.extents()) {
      entries.add(new long[] {e.offset(), e.length()});
    }
    entries.add(new long[] {map.size(), 0});
    int ext = entries.size() <= IN_HEADER ? 0 : (entries.size() - IN_HEADER + IN_EXTENSION - 1) / IN_EXTENSION;
    byte[] out = new byte[512 * (1 + ext)];
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(n, 0, out, 0, n.length);
    TarNumbers.put(out, 100, 8, 0644);
    TarNumbers.put(out, 108, 8, 0);
    TarNumbers.put(out, 116, 8, 0);
    TarNumbers.put(out, 124, 12, map.dataBytes());
    TarNumbers.put(out, 136, 12, mtime);
    out[156] = 'S';
    System.arraycopy("ustar  \0".getBytes(StandardCharsets.US_ASCII), 0, out, 257, 8);
    for (int i = 0; i < Math.min(IN_HEADER, entries.size()); i++) {
      TarNumbers.put(out, 386 + 24 * i, 12, entries.get(i)[0]);
      TarNumbers.put(out, 386 + 24 * i + 12, 12, entries.get(i)[1]);
    }
    out[482] = (byte) (ext > 0 ? 1 : 0);
    TarNumbers.put(out, 483, 12, map.size());
    for (int b = 0; b < ext; b++) {
      int base = 512 * (b + 1);
      for (int j = 0; j < IN_EXTENSION; j++) {
        int idx = IN_HEADER + b * IN_EXTENSION + j;
        if (idx >= entries.size()) {
          break;
        }
        TarNumbers.put(out, base + 24 * j, 12, entries.get(idx)[0]);
        TarNumbers.put(out, base + 24 * j + 12, 12, entries.get(idx)[1]);
      }
      out[base + 504] = (byte) (b + 1 < ext ? 1 : 0);
    }
    // Checksum over the main header with the checksum field as spaces.
    for (int i = 148; i < 156; i++) {
      out[i] = ' ';
    }
    long sum = 0;
    for (int i = 0; i < 512; i++) {
      sum += out[i] & 0xFF;
    }
    String s = String.format("%06o", sum);
    System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, out, 148, 6);
    out[154] = 0;
    out[155] = ' ';
    return out;
  }
}

package io.cosbuild.rootfs.testutil;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Builds small {@code .deb} files in tests, including hostile ones: entry names are written
 * exactly as given (no normalisation), so {@code ../x} or {@code /etc/x} reach the archive.
 */
public final class TestDebs {

  /** One data.tar entry; type 'f' file, 'd' directory, 'l' symlink, 'h' hard link, 'c' character device. */
  public record Entry(char type, String name, String content, String link, int mode) {
    public static Entry dir(String name) {
      return new Entry('d', name, null, null, 0755);
    }

    public static Entry file(String name, String content) {
      return new Entry('f', name, content, null, 0644);
    }

    public static Entry file(String name, String content, int mode) {
      return new Entry('f', name, content, null, mode);
    }

    public static Entry symlink(String name, String target) {
      return new Entry('l', name, null, target, 0777);
    }

    public static Entry hardlink(String name, String target) {
      return new Entry('h', name, null, target, 0644);
    }

    /** A character device; {@code link} holds "major:minor". */
    public static Entry charDevice(String name, int major, int minor, int mode) {
      return new Entry('c', name, null, major + ":" + minor, mode);
    }
  }

  private final String name;
  private String version = "1.0-1";
  private final List<Entry> entries = new ArrayList<>();
  private final List<String> conffiles = new ArrayList<>();
  private final Map<String, String> extraControl = new LinkedHashMap<>();
  private final Map<String, String> md5Overrides = new LinkedHashMap<>();

  public TestDebs(String name) {
    this.name = name;
  }

  public TestDebs version(String v) {
    version = v;
    return this;
  }

  public TestDebs add(Entry... e) {
    entries.addAll(List.of(e));
    return this;
  }

  public TestDebs conffile(String path) {
    conffiles.add(path);
    return this;
  }

  public TestDebs control(String key, String value) {
    extraControl.put(key, value);
    return this;
  }

  /** Makes md5sums claim {@code md5} for {@code path} (relative, no leading slash). */
  public TestDebs lieAboutMd5(String path, String md5) {
    md5Overrides.put(path, md5);
    return this;
  }

  public Path write(Path dir) throws Exception {
    StringBuilder md5sums = new StringBuilder();
    for (Entry e : entries) {
      if (e.type == 'f') {
        String rel = e.name.startsWith("./") ? e.name.substring(2) : e.name;
        String sum = md5Overrides.getOrDefault(rel, HexFormat.of().formatHex(
            MessageDigest.getInstance("MD5").digest(e.content.getBytes(StandardCharsets.UTF_8))));
        md5sums.append(sum).append("  ").append(rel).append('\n');
      }
    }
    StringBuilder control = new StringBuilder();
    control.append("Package: ").append(name).append('\n');
    control.append("Version: ").append(version).append('\n');
    control.append("Architecture: amd64\n");
    control.append("Maintainer: Test <test@example.org>\n");
    control.append("Installed-Size: 1\n");
    extraControl.forEach((k, v) -> control.append(k).append(": ").append(v).append('\n'));
    control.append("Description: test package ").append(name).append("\n a test package.\n");
    Map<String, byte[]> controlFiles = new LinkedHashMap<>();
    controlFiles.put("./control", control.toString().getBytes(StandardCharsets.UTF_8));
    controlFiles.put("./md5sums", md5sums.toString().getBytes(StandardCharsets.UTF_8));
    if (!conffiles.isEmpty()) {
      controlFiles.put("./conffiles", (String.join("\n", conffiles) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    byte[] controlTar = tarGz(out -> {
      for (Map.Entry<String, byte[]> f : controlFiles.entrySet()) {
        TarArchiveEntry t = new TarArchiveEntry(f.getKey(), TarConstants.LF_NORMAL, true);
        t.setSize(f.getValue().length);
        t.setMode(0100644);
        out.putArchiveEntry(t);
        out.write(f.getValue());
        out.closeArchiveEntry();
      }
    });
    byte[] dataTar = tarGz(out -> {
      for (Entry e : entries) {
        TarArchiveEntry t;
        switch (e.type) {
          case 'd' -> t = new TarArchiveEntry(e.name, TarConstants.LF_DIR, true);
          case 'l' -> {
            t = new TarArchiveEntry(e.name, TarConstants.LF_SYMLINK, true);
            t.setLinkName(e.link);
          }
          case 'h' -> {
            t = new TarArchiveEntry(e.name, TarConstants.LF_LINK, true);
            t.setLinkName(e.link);
          }
          case 'c' -> {
            t = new TarArchiveEntry(e.name, TarConstants.LF_CHR, true);
            t.setDevMajor(Integer.parseInt(e.link.split(":")[0]));
            t.setDevMinor(Integer.parseInt(e.link.split(":")[1]));
          }
          default -> {
            t = new TarArchiveEntry(e.name, TarConstants.LF_NORMAL, true);
            t.setSize(e.content.getBytes(StandardCharsets.UTF_8).length);
          }
        }
        t.setMode((e.type == 'd' ? 040000 : e.type == 'l' ? 0120000 : e.type == 'c' ? 020000 : 0100000) | e.mode);
        t.setModTime(1_600_000_000_000L);
        t.setUserName("root");
        t.setGroupName("root");
        out.putArchiveEntry(t);
        if (e.type == 'f') {
          out.write(e.content.getBytes(StandardCharsets.UTF_8));
        }
        out.closeArchiveEntry();
      }
    });
    Path deb = dir.resolve(name + "_" + version + "_amd64.deb");
    try (ArArchiveOutputStream ar = new ArArchiveOutputStream(Files.newOutputStream(deb))) {
      member(ar, "debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII));
      member(ar, "control.tar.gz", controlTar);
      member(ar, "data.tar.gz", dataTar);
      ar.finish();
    }
    return deb;
  }

  private interface TarBody {
    void write(TarArchiveOutputStream out) throws IOException;
  }

  private static byte[] tarGz(TarBody body) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream gz = new GzipCompressorOutputStream(bytes);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      body.write(tar);
      tar.finish();
    }
    return bytes.toByteArray();
  }

  private static void member(ArArchiveOutputStream ar, String name, byte[] content) throws IOException {
    ar.putArchiveEntry(new ArArchiveEntry(name, content.length, 0, 0, 0100644, 0));
    ar.write(content);
    ar.closeArchiveEntry();
  }
}

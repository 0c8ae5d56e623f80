package io.cosbuild.rootfs.dpkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cosbuild.rootfs.testutil.RealDebs;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the pipeline takes from a {@code .deb} against {@code dpkg-deb} (the judge), on real packages: every
 * control field as {@code dpkg-deb -f} prints it (continuation lines too, for the dpkg status file),
 * conffiles, md5sums and the data tar (byte for byte what {@code dpkg-deb --fsys-tarfile} writes). The
 * archive format itself (members, compressions, hostile names) is tested on packages dpkg-deb builds in the
 * packages module's {@code DebArchiveIT}.
 */
class DebFileIT {
  @TempDir
  Path tmp;

  private static String run(List<String> cmd) throws Exception {
    RealDebs.Result r = RealDebs.run(cmd);
    assertEquals(0, r.code(), cmd + ":\n" + r.output());
    return r.output();
  }

  /** SHA-256 of the decompressed data tar as our reader gives it. */
  private static String ours(PackageContent p) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (InputStream in = p.data().openTar()) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** The same from dpkg-deb: {@code dpkg-deb --fsys-tarfile} writes the decompressed data tar. */
  private static String dpkgs(Path deb) throws Exception {
    return run(List.of("sh", "-c", "dpkg-deb --fsys-tarfile '" + deb + "' | sha256sum")).substring(0, 64);
  }

  /** Every control field as {@code dpkg-deb -f} prints it, in the package's order. */
  private Map<String, String> dpkgFields(Path deb) throws Exception {
    Path ctl = Files.createTempDirectory(tmp, "ctl");
    run(List.of("dpkg-deb", "-e", deb.toString(), ctl.toString()));
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : Files.readAllLines(ctl.resolve("control"))) {
      if (!line.isEmpty() && !line.startsWith(" ") && !line.startsWith("\t")) {
        String field = line.substring(0, line.indexOf(':'));
        m.put(field, run(List.of("dpkg-deb", "-f", deb.toString(), field)).replaceFirst("\n$", ""));
      }
    }
    return m;
  }

  @Test
  void readsRealPackagesLikeDpkgDeb() throws Exception {
    // Multi-line descriptions, conffiles (kmod, tzdata), hard links and symlinks (libc6), Multi-Arch fields.
    List<String> names = List.of("busybox-static", "kmod", "libc6", "tzdata");
    List<Path> debs = RealDebs.fetch(names);
    List<String> checked = new ArrayList<>();
    for (int i = 0; i < debs.size(); i++) {
      Path deb = debs.get(i);
      PackageContent p = DebFile.read(deb, null);
      assertEquals(names.get(i), p.name());
      assertEquals(dpkgFields(deb), p.control(), names.get(i));
      assertEquals(dpkgs(deb), ours(p), names.get(i));
      Path ctl = Files.createTempDirectory(tmp, "ctl");
      run(List.of("dpkg-deb", "-e", deb.toString(), ctl.toString()));
      Path conffiles = ctl.resolve("conffiles");
      List<String> expected = Files.exists(conffiles)
          ? Files.readAllLines(conffiles).stream().filter(l -> !l.isBlank()).map(l -> l.strip().split("\\s+")[0]).toList()
          : List.of();
      assertEquals(expected, p.conffiles(), names.get(i));
      assertEquals(run(List.of("sha256sum", deb.toString())).substring(0, 64), p.sha256());
      Path md5sums = ctl.resolve("md5sums");
      assertEquals(Files.readAllLines(md5sums).size(), p.md5sums().size(), names.get(i));
      checked.add(p.name());
    }
    assertEquals(names, checked);
  }

  @Test
  void refusesWhatIsNoPackageAndWrongChecksums() throws Exception {
    Path deb = Files.copy(RealDebs.fetch(List.of("kmod")).get(0), tmp.resolve("kmod.deb"));
    PackageException sum = assertThrows(PackageException.class, () -> DebFile.read(deb, "0".repeat(64)));
    assertTrue(sum.getMessage().startsWith("kmod.deb: checksum mismatch"), sum.getMessage());
    Path text = Files.writeString(tmp.resolve("notes.deb"), "not an archive\n", StandardCharsets.UTF_8);
    PackageException notDeb = assertThrows(PackageException.class, () -> DebFile.read(text, null));
    assertTrue(notDeb.getMessage().contains("notes.deb: not a .deb"), notDeb.getMessage());
    Path cut = Files.write(tmp.resolve("cut.deb"), java.util.Arrays.copyOf(Files.readAllBytes(deb), 300));
    PackageException truncated = assertThrows(PackageException.class, () -> DebFile.read(cut, null));
    assertTrue(truncated.getMessage().contains("cut.deb: "), truncated.getMessage());
  }

  @Test
  void dataArchiveCanBeReadTwice() throws Exception {
    PackageContent p = DebFile.read(RealDebs.fetch(List.of("kmod")).get(0), null);
    String first = ours(p);
    try (InputStream in = p.data().openTar()) {
      assertTrue(in.read() >= 0);
    }
    assertEquals(first, ours(p));
  }
}

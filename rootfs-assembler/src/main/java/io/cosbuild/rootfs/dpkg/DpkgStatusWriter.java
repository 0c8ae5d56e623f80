package io.cosbuild.rootfs.dpkg;

import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsNode;
import io.cosbuild.rootfs.tree.FsPath;
import io.cosbuild.rootfs.tree.FsTree;
import io.cosbuild.rootfs.tree.FsTreeBuilder;
import io.cosbuild.rootfs.tree.NodeMetadata;
import io.cosbuild.rootfs.tree.TreeException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the dpkg database of the installed packages so that dpkg-query and vulnerability
 * scanners (trivy, grype, syft) see every package: each stanza is the package's control file with
 * {@code Status: install ok installed} after {@code Package} (and {@code Essential}), and
 * {@code Conffiles} (path and md5 as shipped) before {@code Description}, as dpkg orders them.
 * Packages are sorted by name, then architecture. Immutable and thread-safe.
 */
public final class DpkgStatusWriter {

  public static final FsPath ADMIN_DIR = FsPath.parse("/var/lib/dpkg");
  private static final String ORIGIN = "dpkg database";

  private final StatusForm form;
  private final BlobStore store;
  private final long epoch;

  public DpkgStatusWriter(StatusForm form, BlobStore store, long epoch) {
    this.form = form;
    this.store = store;
    this.epoch = epoch;
  }

  public FsTree apply(FsTree tree, List<InstalledPackage> packages) throws PackageException {
    List<InstalledPackage> sorted = new ArrayList<>(packages);
    sorted.sort(Comparator.comparing((InstalledPackage p) -> p.content().name())
        .thenComparing(p -> p.content().architecture()));
    FsTreeBuilder b = tree.toBuilder();
    try {
      for (String d : List.of("", "/info", "/updates", "/triggers", "/alternatives")) {
        dir(b, FsPath.parse(ADMIN_DIR.value() + d));
      }
      if (form == StatusForm.DPKG) {
        StringBuilder status = new StringBuilder();
        for (InstalledPackage p : sorted) {
          if (status.length() > 0) {
            status.append('\n');
          }
          status.append(stanza(p));
          String info = ADMIN_DIR.value() + "/info/" + p.content().infoName();
          file(b, info + ".list", String.join("\n", p.shippedPaths()) + "\n");
          if (!p.content().md5sums().isEmpty()) {
            file(b, info + ".md5sums", md5sums(p));
          }
          if (!p.content().conffiles().isEmpty()) {
            file(b, info + ".conffiles", String.join("\n", p.content().conffiles()) + "\n");
          }
        }
        file(b, ADMIN_DIR.value() + "/status", status.toString());
        // Database format 1: Multi-Arch: same packages' files are named name:arch (without this
        // file dpkg assumes the old format and looks for plain names).
        file(b, ADMIN_DIR.value() + "/info/format", "1\n");
        file(b, ADMIN_DIR.value() + "/available", "");
      } else {
        dir(b, FsPath.parse(ADMIN_DIR.value() + "/status.d"));
        for (InstalledPackage p : sorted) {
          String base = ADMIN_DIR.value() + "/status.d/" + p.content().name();
          file(b, base, stanza(p));
          if (!p.content().md5sums().isEmpty()) {
            file(b, base + ".md5sums", md5sums(p));
          }
        }
      }
    } catch (TreeException e) {
      throw new PackageException("dpkg database: " + e.getMessage(), e);
    }
    return b.build();
  }

  /** The status stanza of one installed package (ends with a newline, no blank line). */
  public static String stanza(InstalledPackage p) {
    Map<String, String> out = new LinkedHashMap<>();
    Map<String, String> control = p.content().control();
    out.put("Package", control.get("Package"));
    if (control.containsKey("Essential")) {
      out.put("Essential", control.get("Essential"));
    }
    out.put("Status", "install ok installed");
    for (Map.Entry<String, String> e : control.entrySet()) {
      if (e.getKey().equals("Description") && !p.conffileMd5().isEmpty()) {
        out.put("Conffiles", conffiles(p));
      }
      out.putIfAbsent(e.getKey(), e.getValue());
    }
    if (!p.conffileMd5().isEmpty()) {
      out.putIfAbsent("Conffiles", conffiles(p));
    }
    return ControlStanza.format(out);
  }

  private static String conffiles(InstalledPackage p) {
    StringBuilder sb = new StringBuilder();
    for (String c : p.content().conffiles()) {
      sb.append("\n ").append(c).append(' ').append(p.conffileMd5().get(c));
    }
    return sb.toString();
  }

  private static String md5sums(InstalledPackage p) {
    StringBuilder sb = new StringBuilder();
    p.content().md5sums().forEach((path, sum) -> sb.append(sum).append("  ").append(path).append('\n'));
    return sb.toString();
  }

  private void dir(FsTreeBuilder b, FsPath p) throws TreeException {
    if (b.get(p).isEmpty()) {
      if (!p.parent().isRoot()) {
        dir(b, p.parent());
      }
      b.add(p, new FsNode.Directory(NodeMetadata.of(0755, 0, 0, epoch)), ORIGIN);
    }
  }

  private void file(FsTreeBuilder b, String path, String text) throws TreeException {
    b.replace(FsPath.parse(path), new FsNode.RegularFile(NodeMetadata.of(0644, 0, 0, epoch),
        store.put(text.getBytes(StandardCharsets.UTF_8))), ORIGIN);
  }
}

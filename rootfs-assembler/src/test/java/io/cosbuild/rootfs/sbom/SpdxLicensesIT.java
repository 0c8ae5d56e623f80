package io.cosbuild.rootfs.sbom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cosbuild.rootfs.assembly.AssemblyPlan;
import io.cosbuild.rootfs.assembly.AssemblyResult;
import io.cosbuild.rootfs.assembly.HardeningOptions;
import io.cosbuild.rootfs.assembly.RootfsAssembler;
import io.cosbuild.rootfs.dpkg.DebFile;
import io.cosbuild.rootfs.dpkg.PackageContent;
import io.cosbuild.rootfs.testutil.RealDebs;
import io.cosbuild.rootfs.testutil.SpdxJudge;
import io.cosbuild.rootfs.tree.BlobStore;
import io.cosbuild.rootfs.tree.FsPath;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SBOM of real Debian 12 packages (the machine's mirror, {@code apt-get download}), assembled with
 * every document removed, copyright files included, judged by the reference library
 * (python3-license-expression): every licenseDeclared is a valid SPDX expression of listed ids and declared
 * LicenseRefs, written as the library writes it, and every LicenseRef is declared once with a text.
 */
class SpdxLicensesIT {

  /** Machine-readable copyright files, a spread of syntax: or, and, ", and", with ... exception, public-domain. */
  static final List<String> DEP5 = List.of("bash", "coreutils", "curl", "libcurl4", "dash", "libssl3", "zlib1g",
      "perl-base", "util-linux", "systemd", "libsystemd0", "tzdata", "less", "kmod", "libkmod2", "sed", "grep", "tar",
      "gzip", "base-passwd", "libseccomp2", "containerd", "libzstd1", "liblzma5", "libpcre2-8-0", "libcap2");
  /**
   * Free-text copyright files (libc6, base-files, gcc-12-base), a doc directory linked to one (libgcc-s1 to
   * gcc-12-base), and one linked to a package that is not in the set (libncursesw6 to libtinfo6).
   */
  static final List<String> NO_ASSERTION = List.of("libc6", "base-files", "gcc-12-base", "libgcc-s1", "libncursesw6");

  @TempDir Path dir;

  @Test
  void everyDeclaredLicenceIsValidSpdxForTheReferenceLibrary() throws Exception {
    List<String> names = new ArrayList<>(DEP5);
    names.addAll(NO_ASSERTION);
    List<PackageContent> pkgs = new ArrayList<>();
    for (Path d : RealDebs.fetch(names)) {
      pkgs.add(DebFile.read(d, null));
    }
    HardeningOptions noDocsAtAll = new HardeningOptions(false, HardeningOptions.DEFAULT_SHELLS, true, List.of(), false,
        false, false, List.of(), false, Map.of(), null, null, false, false, List.of());
    AssemblyResult r = RootfsAssembler.assemble(AssemblyPlan.builder("licences", pkgs, BlobStore.open(dir), 1_700_000_000L)
        .hardening(noDocsAtAll).build());
    assertFalse(r.tree().contains(FsPath.parse("/usr/share/doc/bash/copyright")));

    r.sbom().writeTo(Path.of("target", "SpdxLicensesIT.spdx.json")); // kept for reading
    JsonNode doc = new ObjectMapper().readTree(r.sbom().json());
    Map<String, String> declared = new TreeMap<>();
    for (JsonNode p : doc.get("packages")) {
      if (p.has("versionInfo")) {
        declared.put(p.get("name").asText(), p.get("licenseDeclared").asText());
      }
    }
    declared.forEach((name, licence) -> System.out.println(name + ": " + licence));
    for (String p : DEP5) {
      assertNotEquals("NOASSERTION", declared.get(p), p);
    }
    for (String p : NO_ASSERTION) {
      assertEquals("NOASSERTION", declared.get(p), p);
    }
    // kmod's doc directory is a link to libkmod2's: the same file, the same licence.
    assertEquals(declared.get("libkmod2"), declared.get("kmod"));

    SpdxJudge.Verdict v = SpdxJudge.document(r.sbom().json());
    System.out.println("python3-license-expression checked " + v.checked() + " expressions, "
        + doc.get("hasExtractedLicensingInfos").size() + " LicenseRefs declared");
    assertEquals(List.of(), v.problems());
    assertEquals(DEP5.size(), v.checked());
  }
}
